"""The loop the DSPy back-end closes, down to the shipped binary: emit the DSPy program of
an example, optimize it with BootstrapFewShot against the fake provider, save, `pipec
import-dspy --write` into a copy of the example, `pipec build` (the Rust back-end) the
imported pipeline into a binary, then run the optimized DSPy program and the binary on the
same inputs against the fake server and compare the messages of every request they sent,
byte for byte.

Two examples, chosen for what they cover and because each binary costs a crate build:
`batch_summarize` (a `map` step and a record-typed input) and `code_review`
(records in the demos, a `Literal` output, `chain_of_thought`; a script makes its first step
answer `request_changes` so that the second step runs too). The crates share
`target/pipec-build/` with the Rust build tests (`compiler/pipec-cli/tests/build/`), which
`scripts/test.sh` runs first, so the runtime's dependencies are compiled already and each
build compiles only the generated crate."""

import json
import os
import shutil
import subprocess

import pytest

from conftest import FAKE, PIPEC, ROOT, build, pipec, run_project
from test_generated import lm_flags

#: Where the Rust build tests build their generated crates (`tests/build/support.rs`).
BUILD_TARGET = ROOT / "target" / "pipec-build"

#: Per example: the pipeline file, the training rows (inputs only: the `contains` metric
#: passes every trace, so every predictor keeps bootstrapped demos), the inputs both
#: programs run on, the fake server's script, and how many requests one run sends.
CASES = {
    "batch_summarize": {
        "file": "batch_summarize.pipec.yaml",
        "train": [{"documents": ["Rust is fast.", "Python is popular."]}],
        "inputs": {"documents": ["Cats sleep a lot.", "Dogs bark.", "Birds sing."], "audience": "children"},
        "script": [],
        "requests": 4,
        # The binary runs the map's items concurrently: their requests may arrive in any order.
        "ordered": False,
    },
    "code_review": {
        "file": "code_review.pipec.yaml",
        "train": [{"code": "fn main() { let x = 1; }"}, {"code": "def f(): return 1"}],
        "inputs": {"code": "let s = String::new(); s.push('a');", "language": "rust"},
        "script": [{"contains": "Review the code and list every issue", "fields": {"verdict": "request_changes"}}],
        "requests": 2,
        "ordered": True,
    },
}


class ScriptedFake:
    """The fake provider binary on a free loopback port, answering by a `--script`."""

    def __init__(self, script, directory):
        path = directory / "script.json"
        path.write_text(json.dumps(script))
        self.process = subprocess.Popen(
            [str(FAKE), "--addr", "127.0.0.1:0", "--exit-after-secs", "600", "--script", str(path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        self.addr = self.process.stdout.readline().strip()
        self.base = f"http://{self.addr}/v1"

    def messages(self):
        """The messages of every model request received since the last call, in order."""
        import urllib.request  # noqa: PLC0415 - only this helper talks to the admin API

        with urllib.request.urlopen(f"http://{self.addr}/_requests") as reply:
            recorded = json.load(reply)
        request = urllib.request.Request(f"http://{self.addr}/_reset", method="POST", data=b"")
        urllib.request.urlopen(request).close()
        return [r["body"]["messages"] for r in recorded if r["method"] == "POST"]

    def stop(self):
        self.process.kill()
        self.process.wait()


def pipec_build_binary(source, out):
    """`pipec build SOURCE -o OUT` as the Rust build tests run it: the shared target
    directory, clippy as the compiler wrapper (a warning in the generated crate fails)."""
    env = {**os.environ, "CARGO_TARGET_DIR": str(BUILD_TARGET), "RUSTC_WORKSPACE_WRAPPER": "clippy-driver"}
    done = subprocess.run(
        [str(PIPEC), "build", str(source), "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr, done.stderr
    return done.stdout.strip()


def canonical(messages):
    """One request's messages as exact text (every role and content string, in order)."""
    return json.dumps(messages, ensure_ascii=False, sort_keys=True)


@pytest.mark.parametrize("example", sorted(CASES))
def test_binary_of_the_imported_pipeline_sends_what_the_optimized_dspy_program_sends(example, tmp_path):
    case = CASES[example]
    server = ScriptedFake(case["script"], tmp_path)
    try:
        work = tmp_path / "examples"
        shutil.copytree(ROOT / "examples", work)
        source = work / case["file"]
        project = build(source, tmp_path / f"{example}_dspy")
        dataset = tmp_path / "train.jsonl"
        dataset.write_text("".join(json.dumps(row) + "\n" for row in case["train"]))
        optimized = run_project(
            project,
            "optimize.py",
            "--optimizer",
            "bootstrap",
            "--dataset",
            dataset,
            "--metric",
            "contains",
            "--save",
            "optimized.json",
            *lm_flags(server),
        )
        assert optimized.returncode == 0, optimized.stderr
        imported = pipec("import-dspy", project / "optimized.json", source, "--write", check=False)
        assert imported.returncode == 0, imported.stderr
        assert "demos" in source.read_text(), "the optimized demos were written into the pipeline"
        binary = pipec_build_binary(source, tmp_path / f"{example}_rust")
        server.messages()  # forget the optimizer's requests

        inputs = json.dumps(case["inputs"])
        dspy_run = run_project(project, "run.py", "--load", "optimized.json", "--inputs", inputs, *lm_flags(server))
        assert dspy_run.returncode == 0, dspy_run.stderr
        sent_by_dspy = server.messages()

        env = {"OPENAI_BASE_URL": server.base, "OPENAI_API_KEY": "test-key"}
        binary_run = subprocess.run(
            [binary, "--inputs", inputs, "--json", "--db", str(tmp_path / "runs.sqlite")],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        assert binary_run.returncode == 0, binary_run.stderr
        sent_by_binary = server.messages()
    finally:
        server.stop()

    assert len(sent_by_dspy) == case["requests"], "every step that calls a model ran"
    assert len(sent_by_binary) == len(sent_by_dspy)
    if case["ordered"]:
        pairs = zip(map(canonical, sent_by_dspy), map(canonical, sent_by_binary), strict=True)
    else:
        # Compare as a multiset of exact texts; the last request (after the map) in place.
        assert canonical(sent_by_binary[-1]) == canonical(sent_by_dspy[-1]), f"{example}: last request differs"
        pairs = zip(sorted(map(canonical, sent_by_dspy)), sorted(map(canonical, sent_by_binary)), strict=True)
    for index, (expected, got) in enumerate(pairs):
        assert got == expected, f"{example}: request {index} differs"
    demo_requests = [m for m in sent_by_dspy if len(m) > 2]
    assert demo_requests, "the optimized demos are part of the requests compared"
