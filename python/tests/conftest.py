"""Shared fixtures: the repository's binaries, built projects, and a fake provider
server (pipec's own, a real HTTP server on 127.0.0.1) for DSPy to call."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug"
PIPEC = TARGET / "pipec"
FAKE = TARGET / "pipec-fake-provider"

# DSPy and LiteLLM stay offline: no model-cost fetch, no disk cache.
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
sys.path.insert(0, str(ROOT / "python"))


def pipec(*args, cwd=ROOT, check=True):
    return subprocess.run([str(PIPEC), *map(str, args)], cwd=cwd, capture_output=True, text=True, check=check)


def build(source, out):
    """`pipec build SOURCE --target dspy -o OUT`."""
    done = pipec("build", source, "--target", "dspy", "-o", out)
    assert done.returncode == 0, done.stderr
    return Path(out)


class Fake:
    """The fake provider binary on a free loopback port."""

    def __init__(self):
        self.process = subprocess.Popen(
            [str(FAKE), "--addr", "127.0.0.1:0", "--exit-after-secs", "600"],
            stdout=subprocess.PIPE,
            text=True,
        )
        self.addr = self.process.stdout.readline().strip()
        self.base = f"http://{self.addr}/v1"

    def requests(self):
        with urllib.request.urlopen(f"http://{self.addr}/_requests") as reply:
            return json.load(reply)

    def reset(self):
        request = urllib.request.Request(f"http://{self.addr}/_reset", method="POST", data=b"")
        urllib.request.urlopen(request).close()

    def stop(self):
        self.process.kill()
        self.process.wait()


@pytest.fixture(scope="session")
def fake():
    server = Fake()
    yield server
    server.stop()


def run_project(project, *args, env=None):
    """Run a generated script with this interpreter in the project directory."""
    return subprocess.run(
        [sys.executable, *map(str, args)],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
