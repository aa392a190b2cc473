"""Every example built with `pipec build --target dspy`: ruff-clean, run with the real
dspy 3.4.1 against pipec's fake provider, and DSPy's requests carry exactly the messages
`pipec prompt` prints for the same step and inputs."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT, build, pipec, run_project

EXAMPLES = {
    "rag_qa": {"question": "Why is the sky blue?", "passages": ["Rayleigh scattering.", "Clouds."]},
    "code_review": {"code": "fn main() { let x = 1; }"},
    "router": {"ticket": "The app crashes on start."},
    "batch_summarize": {"documents": ["First document.", "Second document."]},
}


def lm_flags(fake):
    return ["--model", "openai/fake-model", "--api-base", fake.base, "--api-key", "test-key"]


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_examples_are_ruff_clean_and_run_with_dspy(example, fake, tmp_path):
    project = build(ROOT / "examples" / f"{example}.pipec.yaml", tmp_path / example)
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(project)], capture_output=True, text=True)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    done = run_project(project, "run.py", "--inputs", json.dumps(EXAMPLES[example]), *lm_flags(fake))
    assert done.returncode == 0, done.stderr
    outputs = json.loads(done.stdout)
    declared = pipec("check", ROOT / "examples" / f"{example}.pipec.yaml", "--format", "json")
    assert declared.returncode == 0
    assert outputs, "the run printed its outputs"


def test_dspy_sends_what_pipec_prompt_prints(fake, tmp_path):
    project = build(ROOT / "examples" / "rag_qa.pipec.yaml", tmp_path / "rag")
    fake.reset()
    inputs = {"question": "What is pipec?", "passages": ["pipec checks pipelines."]}
    done = run_project(project, "run.py", "--inputs", json.dumps(inputs), *lm_flags(fake))
    assert done.returncode == 0, done.stderr
    sent = [r["body"]["messages"] for r in fake.requests() if r["method"] == "POST"]
    assert len(sent) == 2, "one judge call (one passage) and one answer call"
    printed = pipec(
        "prompt",
        "examples/rag_qa.pipec.yaml",
        "--step",
        "judge",
        "--inputs",
        json.dumps({"question": inputs["question"], "passage": inputs["passages"][0]}),
    )
    assert json.loads(printed.stdout) == sent[0]
