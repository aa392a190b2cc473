"""Optimize a generated program with DSPy's BootstrapFewShot and COPRO against the fake
provider (and smoke-run random search, MIPROv2, SIMBA and GEPA), save it, and check that the saved keys are the step ids and that DSPy's own
ChatAdapter messages for the optimized predictors are what `pipec prompt` prints once the
saved demos and instructions are written into the pipeline."""

import json
import subprocess
import sys

import dspy
import pytest

from conftest import PIPEC, build, pipec, run_project

PIPELINE = """pipec: 1
name: qa
inputs: {question: str}
models:
  fast: {provider: openai, model: gpt-4o-mini, max_tokens: 256}
signatures:
  rewrite:
    instructions: Rewrite the question as a search query.
    inputs:
      question: {type: str, desc: "user question"}
    outputs:
      query: {type: str, desc: "search query"}
steps:
  - id: rewrite
    kind: chain_of_thought
    model: fast
    signature: rewrite
    with: {question: "{{ inputs.question }}"}
  - id: answer
    kind: predict
    model: fast
    signature: "question: str, query: str -> answer: str, confidence: float"
    with: {question: "{{ inputs.question }}", query: "{{ steps.rewrite.query }}"}
outputs:
  answer: steps.answer.answer
eval:
  dataset: qa.jsonl
  metric: contains
  field: answer
"""

#: The fake provider answers every `str` field with "example <field>".
ROWS = [{"question": f"What color is sky {i}?", "answer": "example"} for i in range(4)]


def make(tmp_path):
    source = tmp_path / "qa.pipec.yaml"
    source.write_text(PIPELINE)
    (tmp_path / "qa.jsonl").write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    return source, build(source, tmp_path / "qa_dspy")


def flags(fake):
    return ["--model", "openai/fake-model", "--api-base", fake.base, "--api-key", "test-key"]


def test_bootstrap_saves_step_keys_and_prompts_match_pipec(fake, tmp_path):
    source, project = make(tmp_path)
    done = run_project(project, "optimize.py", "--optimizer", "bootstrap", "--save", "optimized.json", *flags(fake))
    assert done.returncode == 0, done.stderr
    saved = json.loads((project / "optimized.json").read_text())
    assert sorted(saved) == ["answer", "metadata", "rewrite.predict"]
    assert saved["metadata"]["dependency_versions"]["dspy"] == "3.4.1"
    assert saved["answer"]["demos"], "BootstrapFewShot kept demos"

    # DSPy's own messages for the optimized program's `answer` predictor.
    sys.path.insert(0, str(project))
    try:
        import program  # noqa: PLC0415 - the generated module, importable only now

        module = program.QaProgram()
        module.load(str(project / "optimized.json"))
        inputs = {"question": "What color is the sea?", "query": "sea color"}
        expected = dspy.ChatAdapter().format(module.answer.signature, module.answer.demos, inputs)
        cot = module.rewrite.predict
        expected_cot = dspy.ChatAdapter().format(cot.signature, cot.demos, {"question": "Why?"})
    finally:
        sys.path.remove(str(project))
        sys.modules.pop("program", None)

    # `pipec import-dspy` writes the saved state into the pipeline; `pipec prompt` then
    # prints DSPy's own messages, case by case.
    imported = pipec("import-dspy", project / "optimized.json", source, "--write")
    assert imported.returncode == 0, imported.stderr
    assert pipec("check", source).returncode == 0
    printed = pipec("prompt", source, "--step", "answer", "--inputs", json.dumps(inputs))
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == expected
    printed = pipec("prompt", source, "--step", "rewrite", "--inputs", json.dumps({"question": "Why?"}))
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == expected_cot


def test_copro_instructions_import_and_match_dspy(fake, tmp_path):
    source, project = make(tmp_path)
    done = run_project(
        project, "optimize.py", "--optimizer", "copro", "--candidates", "2", "--depth", "1", "--save", "copro.json", *flags(fake)
    )
    assert done.returncode == 0, done.stderr
    saved = json.loads((project / "copro.json").read_text())
    assert sorted(saved) == ["answer", "metadata", "rewrite.predict"]
    imported = pipec("import-dspy", project / "copro.json", source, "--write")
    assert imported.returncode == 0, imported.stderr
    sys.path.insert(0, str(project))
    try:
        import program  # noqa: PLC0415 - the generated module, importable only now

        module = program.QaProgram()
        module.load(str(project / "copro.json"))
        for step, predictor, inputs in [
            ("rewrite", module.rewrite.predict, {"question": "Why?"}),
            ("answer", module.answer, {"question": "Why?", "query": "why"}),
        ]:
            expected = dspy.ChatAdapter().format(predictor.signature, predictor.demos, inputs)
            printed = pipec("prompt", source, "--step", step, "--inputs", json.dumps(inputs))
            assert printed.returncode == 0, printed.stderr
            assert json.loads(printed.stdout) == expected, step
    finally:
        sys.path.remove(str(project))
        sys.modules.pop("program", None)


def test_pipec_run_of_the_imported_pipeline_sends_what_the_optimized_dspy_program_sends(fake, tmp_path):
    source, project = make(tmp_path)
    done = run_project(project, "optimize.py", "--optimizer", "bootstrap", "--save", "optimized.json", *flags(fake))
    assert done.returncode == 0, done.stderr
    assert pipec("import-dspy", project / "optimized.json", source, "--write").returncode == 0
    inputs = json.dumps({"question": "What color is the sea?"})

    fake.reset()
    dspy_run = run_project(project, "run.py", "--load", "optimized.json", "--inputs", inputs, *flags(fake))
    assert dspy_run.returncode == 0, dspy_run.stderr
    sent_by_dspy = [r["body"]["messages"] for r in fake.requests() if r["method"] == "POST"]

    fake.reset()
    env = {"OPENAI_BASE_URL": fake.base, "OPENAI_API_KEY": "test-key", "PATH": "/usr/bin:/bin"}
    pipec_run = subprocess.run(
        [str(PIPEC), "run", str(source), "--inputs", inputs, "--db", str(tmp_path / "runs.sqlite")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert pipec_run.returncode == 0, pipec_run.stderr
    sent_by_pipec = [r["body"]["messages"] for r in fake.requests() if r["method"] == "POST"]

    assert len(sent_by_dspy) == 2
    assert sent_by_pipec == sent_by_dspy


@pytest.mark.parametrize("optimizer", ["random-search", "mipro", "simba", "gepa"])
def test_every_other_optimizer_runs_saves_step_keys_and_imports(optimizer, fake, tmp_path):
    """A smoke run of optimize.py's other optimizers with their small default settings
    (each takes seconds against the fake server). The fake server's replies score
    perfectly on this dataset, so they may keep the program as it was; what is checked is
    that the generated code drives each of them to a saved program that imports back and
    whose predictors `pipec prompt` reproduces."""
    source, project = make(tmp_path)
    done = run_project(project, "optimize.py", "--optimizer", optimizer, "--save", "saved.json", *flags(fake))
    assert done.returncode == 0, done.stderr
    saved = json.loads((project / "saved.json").read_text())
    assert sorted(saved) == ["answer", "metadata", "rewrite.predict"]
    imported = pipec("import-dspy", project / "saved.json", source, "--write")
    assert imported.returncode == 0, imported.stderr
    sys.path.insert(0, str(project))
    try:
        import program  # noqa: PLC0415 - the generated module, importable only now

        module = program.QaProgram()
        module.load(str(project / "saved.json"))
        for step, predictor, inputs in [
            ("rewrite", module.rewrite.predict, {"question": "Why?"}),
            ("answer", module.answer, {"question": "Why?", "query": "why"}),
        ]:
            expected = dspy.ChatAdapter().format(predictor.signature, predictor.demos, inputs)
            printed = pipec("prompt", source, "--step", step, "--inputs", json.dumps(inputs))
            assert json.loads(printed.stdout) == expected, step
    finally:
        sys.path.remove(str(project))
        sys.modules.pop("program", None)
