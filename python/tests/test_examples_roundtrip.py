"""Every example, round trip, with BootstrapFewShot and with an instruction optimizer
(COPRO): build, optimize against the fake provider, save, `pipec import-dspy --write` into
a copy of the example, then for every call the optimized DSPy program makes on the
example's inputs, `pipec prompt` for that step prints exactly what DSPy's own ChatAdapter
formats for the optimized predictor (its instructions, field descriptions and demos, the
call's inputs), case by case."""

import argparse
import json
import shutil
import sys

import dspy
import pytest

from conftest import ROOT, build, pipec, run_project
from test_generated import EXAMPLES, lm_flags

#: The optimizers, with settings small enough for the fake server.
OPTIMIZERS = {
    "bootstrap": ["--optimizer", "bootstrap"],
    "copro": ["--optimizer", "copro", "--candidates", "2", "--depth", "1"],
}


def step_of(key):
    """The root pipeline's step a saved key belongs to; None for a sub-pipeline's step,
    which `pipec import-dspy` leaves to the called file."""
    step = key.removesuffix(".predict")
    return None if "." in step else step


def traced_calls(project, module, inputs, fake):
    """Every predictor call the optimized `module` makes on `inputs`, by DSPy's own trace:
    (saved key, predictor, the call's inputs)."""
    import run  # noqa: PLC0415 - the generated run.py, importable only now

    run.configure(argparse.Namespace(model="openai/fake-model", api_base=fake.base, api_key="test-key"))
    keys = {id(p): key for key, p in module.named_predictors()}
    with dspy.context(trace=[]):
        module(**inputs)
        trace = list(dspy.settings.trace)
    return [(keys[id(predictor)], predictor, call) for predictor, call, _ in trace]


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_optimized_prompts_match_dspy_after_import(example, optimizer, fake, tmp_path):
    work = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", work)
    source = work / f"{example}.pipec.yaml"
    project = build(source, tmp_path / f"{example}_dspy")
    # No labels: the `contains` metric passes every trace, so every predictor bootstraps
    # demos (BootstrapFewShot) and every candidate instruction scores alike (COPRO).
    dataset = tmp_path / "train.jsonl"
    dataset.write_text("".join(json.dumps(EXAMPLES[example]) + "\n" for _ in range(2)))
    done = run_project(
        project,
        "optimize.py",
        *OPTIMIZERS[optimizer],
        "--dataset",
        dataset,
        "--metric",
        "contains",
        "--save",
        "optimized.json",
        *lm_flags(fake),
    )
    assert done.returncode == 0, done.stderr
    imported = pipec("import-dspy", project / "optimized.json", source, "--write", check=False)
    assert imported.returncode == 0, imported.stderr
    assert pipec("check", source, check=False).returncode == 0

    sys.path.insert(0, str(project))
    try:
        import program  # noqa: PLC0415 - the generated module, importable only now

        module = getattr(program, [n for n in dir(program) if n.endswith("Program")][0])()
        module.load(str(project / "optimized.json"))
        calls = traced_calls(project, module, EXAMPLES[example], fake)
        compared = set()
        for key, predictor, call in calls:
            step = step_of(key)
            if step is None:
                continue
            inputs = {k: call[k] for k in predictor.signature.input_fields if k in call}
            expected = dspy.ChatAdapter().format(predictor.signature, predictor.demos, inputs)
            printed = pipec("prompt", source, "--step", step, "--inputs", json.dumps(inputs), check=False)
            assert printed.returncode == 0, f"{key}: {printed.stderr}"
            assert json.loads(printed.stdout) == expected, key
            compared.add(step)
        # What the optimizer learned is part of what was compared: BootstrapFewShot gave
        # every called predictor demos; COPRO kept a proposed instruction (the fake
        # server's "example proposed_instruction") for at least one (with equal scores it
        # may keep a predictor's original).
        called = [p for key, p in module.named_predictors() if step_of(key) in compared]
        if optimizer == "bootstrap":
            assert all(p.demos for p in called), "every called predictor has demos"
        else:
            assert any(p.signature.instructions.startswith("example") for p in called)
    finally:
        sys.path.remove(str(project))
        for name in [n for n in sys.modules if n in ("program", "run") or n.startswith("sub_")]:
            sys.modules.pop(name, None)
