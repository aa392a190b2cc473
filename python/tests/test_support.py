"""The shared helpers: pipec's expression semantics, transforms, datasets and metrics."""

import json

import dspy
import pytest

from pipec_dspy import support as px


def test_paths_name_what_is_missing():
    value = {"a": [{"b": 1}]}
    assert px.get(value, "a", 0, "b") == 1
    with pytest.raises(px.PipelineError, match="has no field `c`"):
        px.get(value, "a", 0, "c")


def test_equality_and_ordering_follow_pipec():
    assert px.eq(1, 1.0) and px.eq([1], [1.0])
    assert not px.eq(True, 1)
    assert px.lt("a", "b") and px.between(2, 1, 3)
    with pytest.raises(px.PipelineError):
        px.lt(1, "a")
    assert px.contains("abc", "b") and px.contains([1, 2], 2.0) and px.contains({"k": 1}, "k")


def test_templates_render_values_as_text():
    assert px.render("n=", 3, " ok=", True, " none=", None, " l=", [1, "a"]) == 'n=3 ok=true none= l=[1,"a"]'


def test_functions():
    assert px.fn_join(["a", 1], ", ") == "a, 1"
    assert px.fn_round(2.5) == 2 and px.fn_keys({"b": 1, "a": 2}) == ["a", "b"]
    assert px.fn_isEmpty([]) and not px.fn_isEmpty("x")
    assert px.fn_unique([1, 1.0, 2]) == [1, 2]


def test_transform_operations():
    items = [{"relevant": True, "score": 0.2}, {"relevant": False, "score": 0.9}, {"relevant": True, "score": 0.7}]
    kept = px.transform(
        items,
        [("filter", {"where": lambda item: px.truthy(px.get(item, "relevant"))}), ("sort", {"field": "score", "order": "desc"}), ("take", {"count": 1})],
    )
    assert kept == [{"relevant": True, "score": 0.7}]
    assert px.transform(items, [("aggregate", {"function": "count"})]) == 3
    assert list(px.transform(items, [("group_by", {"field": "relevant"})])) == ["true", "false"]


def test_results_are_json_values():
    prediction = dspy.Prediction(answer="x", score=0.5)
    assert px.result(prediction, ["answer", "score"]) == {"answer": "x", "score": 0.5}


def test_dataset_and_metrics(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"question": "q", "answer": "The Paris!"}) + "\n\n")
    [example] = px.load_dataset(str(path), ["question"])
    assert example.inputs().toDict() == {"question": "q"}
    prediction = dspy.Prediction(answer="paris")
    assert px.metric("exact_match", ["answer"])(example, prediction) == 1.0
    assert px.metric("exact_match", ["answer"])(example, prediction, trace=[]) is True
    assert px.metric("contains", ["answer"])(example, dspy.Prediction(answer="in paris now")) == 1.0
    assert 0 < px.metric("f1", ["answer"])(example, dspy.Prediction(answer="paris france")) < 1


def test_missing_inputs_are_an_error():
    inputs = {"a": 1}
    px.with_defaults(inputs, {"b": 2}, ["a"])
    assert inputs == {"a": 1, "b": 2}
    with pytest.raises(px.PipelineError, match="missing input"):
        px.with_defaults({}, {}, ["a"])
