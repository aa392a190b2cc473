"""What every program `pipec build --target dspy` emits shares (copied into the package as
`pipec_support.py`): pipec's expression semantics (paths, templates, built-in functions,
transform operations), results as JSON values, language models from the pipeline's
`models:`, JSONL datasets, and the built-in metrics of `eval:`.

The expression semantics are those of `docs/native-format.md` ("Expression semantics"), so
a generated program computes what `pipec run` computes.
"""

from __future__ import annotations

import contextlib
import enum
import json
import math
import os
import re
import string
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

import dspy
import pydantic


class PipelineError(Exception):
    """An expression or operation that cannot be evaluated (pipec's P0710/P0716)."""


class SkippedStepError(PipelineError):
    """A path read through `null`, such as the result of a step whose `when` was false."""


# --- values -----------------------------------------------------------------------------


def to_json(value: Any) -> Any:
    """A DSPy value as the JSON value pipec keeps: models dumped, enums by value."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json(v) for v in value]
    return value


def result(prediction: Any, fields: list[str]) -> dict[str, Any]:
    """A prediction's output fields as a JSON record."""
    return {name: to_json(prediction.get(name)) for name in fields}


def last(results: dict[str, Any], ids: list[str]) -> Any:
    """The result of the last of `ids` (a body's result), `None` if it did not run."""
    return results.get(ids[-1]) if ids else None


# --- expressions ------------------------------------------------------------------------


def get(value: Any, *path: Any) -> Any:
    """`value.a[0].b`: a field of a dict or an item of a list; missing is an error."""
    shown = ""
    for segment in path:
        if value is None:
            raise SkippedStepError(f"`{shown or 'value'}` is null")
        if isinstance(segment, int) and isinstance(value, list):
            if -len(value) <= segment < len(value):
                value = value[segment]
            else:
                raise PipelineError(f"`{shown or 'value'}` has no item {segment}")
        elif isinstance(value, dict) and str(segment) in value:
            value = value[str(segment)]
        elif isinstance(value, list) and str(segment).isdigit() and int(segment) < len(value):
            value = value[int(segment)]
        else:
            raise PipelineError(f"`{shown or 'value'}` has no field `{segment}`")
        shown = f"{shown}.{segment}" if shown else str(segment)
    return value


def output(compute: Callable[[], Any]) -> Any:
    """A declared output: `None` when it reads through a skipped step, as `pipec run`."""
    try:
        return compute()
    except SkippedStepError:
        return None


def truthy(value: Any) -> bool:
    """Python's truthiness, as pipec's conditions use it."""
    return bool(value)


def eq(a: Any, b: Any) -> bool:
    """Deep equality; numbers compare by value (`1 == 1.0`), booleans are not numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(eq(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(eq(a[k], b[k]) for k in a)
    return a == b


def _ordered(a: Any, b: Any) -> tuple[Any, Any]:
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
    if numbers or (isinstance(a, str) and isinstance(b, str)):
        return a, b
    raise PipelineError(f"cannot order {json.dumps(a)} and {json.dumps(b)}")


def lt(a: Any, b: Any) -> bool:
    a, b = _ordered(a, b)
    return a < b


def le(a: Any, b: Any) -> bool:
    a, b = _ordered(a, b)
    return a <= b


def gt(a: Any, b: Any) -> bool:
    a, b = _ordered(a, b)
    return a > b


def ge(a: Any, b: Any) -> bool:
    a, b = _ordered(a, b)
    return a >= b


def between(value: Any, low: Any, high: Any) -> bool:
    return le(low, value) and le(value, high)


def contains(a: Any, b: Any) -> bool:
    """A substring of a string, an element of a list, a key of a dict."""
    if isinstance(a, str):
        return isinstance(b, str) and b in a
    if isinstance(a, list):
        return any(eq(item, b) for item in a)
    if isinstance(a, dict):
        return isinstance(b, str) and b in a
    raise PipelineError("`contains` needs a string, a list or a dict")


def matches(a: Any, pattern: Any) -> bool:
    if not isinstance(a, str) or not isinstance(pattern, str):
        raise PipelineError("`matches` needs a string and a pattern")
    return re.search(pattern, a) is not None


def div(a: Any, b: Any) -> Any:
    if b == 0:
        raise PipelineError("division by zero")
    return a / b


def rem(a: Any, b: Any) -> Any:
    if b == 0:
        raise PipelineError("division by zero")
    return a % b


def text(value: Any) -> str:
    """A template hole as text: strings as they are, null as nothing, the rest as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render(*parts: Any) -> str:
    """A template of several parts: literal text and holes, joined."""
    return "".join(text(p) for p in parts)


# --- built-in functions (pipec_syntax::expr::FUNCTIONS) ---------------------------------


def fn_length(x: Any) -> int:
    return len(x)


def fn_join(items: list[Any], sep: str = "") -> str:
    return sep.join(text(i) for i in items)


def fn_json(x: Any) -> str:
    return json.dumps(x, ensure_ascii=False, separators=(",", ":"))


def fn_lower(s: str) -> str:
    return s.lower()


def fn_upper(s: str) -> str:
    return s.upper()


def fn_trim(s: str) -> str:
    return s.strip()


def fn_default(x: Any, d: Any) -> Any:
    return d if x is None else x


def fn_first(x: Any) -> Any:
    return x[0] if x else None


def fn_last(x: Any) -> Any:
    return x[-1] if x else None


def fn_keys(d: dict[str, Any]) -> list[str]:
    return sorted(d)


def fn_values(d: dict[str, Any]) -> list[Any]:
    return [d[k] for k in sorted(d)]


def fn_round(x: float, digits: int | None = None) -> Any:
    return round(x) if digits is None else round(x, digits)


def fn_floor(x: float) -> int:
    return math.floor(x)


def fn_ceil(x: float) -> int:
    return math.ceil(x)


def fn_min(*args: Any) -> Any:
    return min(args[0]) if len(args) == 1 else min(args)


def fn_max(*args: Any) -> Any:
    return max(args[0]) if len(args) == 1 else max(args)


def fn_abs(x: Any) -> Any:
    return abs(x)


def fn_sum(items: list[Any]) -> Any:
    return sum(items)


def fn_contains(a: Any, b: Any) -> bool:
    return contains(a, b)


def fn_startsWith(s: str, p: str) -> bool:  # noqa: N802 - pipec's function name
    return s.startswith(p)


def fn_endsWith(s: str, p: str) -> bool:  # noqa: N802 - pipec's function name
    return s.endswith(p)


def fn_split(s: str, sep: str | None = None) -> list[str]:
    return s.split(sep)


def fn_replace(s: str, old: str, new: str) -> str:
    return s.replace(old, new)


def fn_to_int(x: Any) -> int:
    return int(x)


def fn_to_float(x: Any) -> float:
    return float(x)


def fn_to_str(x: Any) -> str:
    return text(x)


def fn_sort(items: list[Any]) -> list[Any]:
    return sorted(items)


def fn_unique(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if not any(eq(item, o) for o in out):
            out.append(item)
    return out


def fn_slice(x: Any, start: int, end: int | None = None) -> Any:
    return x[start:end]


def fn_isEmpty(x: Any) -> bool:  # noqa: N802 - pipec's function name
    return x is None or (isinstance(x, (str, list, dict)) and len(x) == 0)


# --- transform operations ---------------------------------------------------------------


def _field(item: Any, field: str | None) -> Any:
    if field is None:
        return item
    return item.get(field) if isinstance(item, dict) else None


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value)
    return (1, text(value))


def transform(value: Any, ops: list[tuple[str, dict[str, Any]]]) -> Any:
    """The `transform` step's operations, in order, on a list."""
    for op, args in ops:
        if not isinstance(value, list):
            raise PipelineError(f"`{op}` needs a list")
        field = args.get("field")
        if op == "filter":
            where: Callable[[Any], bool] = args["where"]
            value = [item for item in value if where(_field(item, field))]
        elif op in ("map", "pluck"):
            value = [_field(item, field) for item in value]
        elif op == "sort":
            value = sorted(
                value,
                key=lambda item: _sort_key(_field(item, field)),
                reverse=args.get("order") == "desc",
            )
        elif op == "take":
            value = value[: args["count"]]
        elif op == "unique":
            seen: list[Any] = []
            kept = []
            for item in value:
                key = _field(item, field)
                if not any(eq(key, s) for s in seen):
                    seen.append(key)
                    kept.append(item)
            value = kept
        elif op == "flatten":
            value = [x for item in value for x in (item if isinstance(item, list) else [item])]
        elif op == "group_by":
            groups: dict[str, list[Any]] = {}
            for item in value:
                groups.setdefault(text(_field(item, field)), []).append(item)
            value = groups
        elif op == "aggregate":
            value = _aggregate(args["function"], [_field(item, field) for item in value])
        elif op == "join":
            source = args["source"]
            if field is None:
                value = value + list(source)
            else:
                value = [
                    {**item, **next((s for s in source if eq(_field(s, field), _field(item, field))), {})}
                    for item in value
                ]
    return value


def _aggregate(function: str, items: list[Any]) -> Any:
    if function == "sum":
        return sum(items)
    if function == "average":
        return sum(items) / len(items) if items else None
    if function == "count":
        return len(items)
    if function == "max":
        return max(items) if items else None
    if function == "min":
        return min(items) if items else None
    if function == "first":
        return items[0] if items else None
    if function == "last":
        return items[-1] if items else None
    return fn_unique(items)


# --- language models --------------------------------------------------------------------

#: The provider prefix DSPy (LiteLLM) uses for each pipec provider.
PROVIDER_PREFIX = {
    "openai": "openai",
    "anthropic": "anthropic",
    "gemini": "gemini",
    "ollama": "ollama_chat",
    "vllm": "hosted_vllm",
    "openai_compatible": "openai",
}


def make_lm(settings: dict[str, Any], override: dict[str, Any] | None = None) -> dspy.LM:
    """A `dspy.LM` for a `models:` entry. `override` (from `run.py`'s flags and
    `PIPEC_DSPY_*` variables) may replace the model id, the base URL and the key."""
    override = override or {}
    model = override.get("model") or (
        f"{PROVIDER_PREFIX.get(settings['provider'], settings['provider'])}/{settings['model']}"
    )
    kwargs: dict[str, Any] = {"cache": override.get("cache", False), "num_retries": 0}
    for key in ("temperature", "max_tokens"):
        if settings.get(key) is not None:
            kwargs[key] = settings[key]
    api_base = override.get("api_base") or _base_url(settings["provider"])
    if api_base:
        kwargs["api_base"] = api_base
    api_key = override.get("api_key") or _api_key(settings["provider"])
    if api_key:
        kwargs["api_key"] = api_key
    return dspy.LM(model, **kwargs)


def _base_url(provider: str) -> str | None:
    names = {"anthropic": "ANTHROPIC_BASE_URL", "gemini": "GEMINI_BASE_URL"}
    return os.environ.get(names.get(provider, "OPENAI_BASE_URL"))


def _api_key(provider: str) -> str | None:
    names = {"anthropic": "ANTHROPIC_API_KEY", "gemini": "GEMINI_API_KEY"}
    return os.environ.get(names.get(provider, "OPENAI_API_KEY"))


class Models:
    """The pipeline's models as LMs, built on first use; with an override every step
    uses the one overriding LM (as `dspy.configure(lm=...)`)."""

    def __init__(self, models: dict[str, dict[str, Any]], override: dict[str, Any] | None = None):
        self.models = models
        self.override = override or {}
        self.lms: dict[str, dspy.LM] = {}

    def lm(self, name: str | None) -> dspy.LM | None:
        if name is None or name not in self.models:
            return None
        if name not in self.lms:
            self.lms[name] = make_lm(self.models[name], self.override)
        return self.lms[name]

    def default(self, name: str | None) -> dspy.LM | None:
        """The LM for `dspy.configure`: the named model, or the first declared one."""
        if name is None and self.models:
            name = next(iter(self.models))
        if name is None and self.override.get("model"):
            return make_lm({"provider": "openai", "model": ""}, self.override)
        return self.lm(name)


#: The models of the running program, set by `use_models`.
_ACTIVE: Models | None = None


def use_models(models: Models) -> None:
    global _ACTIVE
    _ACTIVE = models


def model(name: str | None) -> contextlib.AbstractContextManager[Any]:
    """A step's model as a `dspy.context`, or no change when none is known or every step
    uses one overriding model."""
    if _ACTIVE is None or _ACTIVE.override.get("model") or name is None:
        return contextlib.nullcontext()
    lm = _ACTIVE.lm(name)
    return dspy.context(lm=lm) if lm is not None else contextlib.nullcontext()


# --- datasets ---------------------------------------------------------------------------


def load_dataset(path: str, input_names: list[str]) -> list[dspy.Example]:
    """A JSONL file as examples: one JSON object per line (blank lines skipped), the
    pipeline's inputs marked as inputs, every other key a label."""
    examples = []
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError(f"{path}:{number}: expected a JSON object")
            examples.append(dspy.Example(**row).with_inputs(*[n for n in input_names if n in row]))
    return examples


def iter_lines(path: str) -> Iterator[str]:
    with open(path, encoding="utf-8") as file:
        yield from file


# --- metrics ----------------------------------------------------------------------------


def normalize_text(s: str) -> str:
    """DSPy's `normalize_text`: NFD, lowercase, no punctuation or articles, one space."""
    s = unicodedata.normalize("NFD", s).lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def _f1(prediction: str, gold: str) -> float:
    pred_tokens, gold_tokens = normalize_text(prediction).split(), normalize_text(gold).split()
    common = sum(min(pred_tokens.count(t), gold_tokens.count(t)) for t in set(gold_tokens))
    if common == 0:
        return 0.0
    precision, recall = common / len(pred_tokens), common / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def _pairs(example: Any, prediction: Any, fields: list[str]) -> list[tuple[str, str]]:
    return [(text(to_json(prediction.get(f))), text(to_json(example.get(f)))) for f in fields]


def exact_match(example: Any, prediction: Any, fields: list[str]) -> float:
    pairs = _pairs(example, prediction, fields)
    return float(all(normalize_text(p) == normalize_text(g) for p, g in pairs))


def f1(example: Any, prediction: Any, fields: list[str]) -> float:
    pairs = _pairs(example, prediction, fields)
    return sum(_f1(p, g) for p, g in pairs) / len(pairs) if pairs else 0.0


def contains_metric(example: Any, prediction: Any, fields: list[str]) -> float:
    pairs = _pairs(example, prediction, fields)
    return float(all(normalize_text(g) in normalize_text(p) for p, g in pairs))


class JudgeSignature(dspy.Signature):
    """Judge whether the prediction gives the same answer as the expected output."""

    expected: str = dspy.InputField()
    prediction: str = dspy.InputField()
    matches: bool = dspy.OutputField()


def llm_judge(example: Any, prediction: Any, fields: list[str], lm: Any = None) -> float:
    judge = dspy.Predict(JudgeSignature)
    pairs = _pairs(example, prediction, fields)
    with dspy.context(lm=lm) if lm is not None else contextlib.nullcontext():
        verdicts = [judge(expected=g, prediction=p).matches for p, g in pairs]
    return float(all(verdicts))


METRICS: dict[str, Callable[..., float]] = {
    "exact_match": exact_match,
    "f1": f1,
    "contains": contains_metric,
    "llm_judge": llm_judge,
}


def metric(name: str, fields: list[str], lm: Any = None) -> Callable[..., Any]:
    """The `eval:` metric as DSPy's metric callable: `(example, pred, trace=None)`, plus
    GEPA's two extra arguments. During bootstrapping (`trace` set) it is a pass/fail."""

    def score(example: Any, prediction: Any, trace: Any = None, pred_name: Any = None, pred_trace: Any = None) -> Any:
        function = METRICS[name]
        value = function(example, prediction, fields, lm) if name == "llm_judge" else function(example, prediction, fields)
        return value >= 1.0 if trace is not None else value

    return score


def llm(messages: list[dict[str, str]]) -> str:
    """An `llm` step: the messages sent to the current LM as they are; its text."""
    lm = dspy.settings.lm
    if lm is None:
        raise PipelineError("no language model is configured")
    output = lm(messages=messages)[0]
    return output if isinstance(output, str) else str(output.get("text", ""))


def with_defaults(inputs: dict[str, Any], defaults: dict[str, Any], required: list[str]) -> None:
    """A pipeline's inputs completed in place: declared defaults for what is missing; a
    required input that is missing is an error."""
    for name, value in defaults.items():
        inputs.setdefault(name, value)
    missing = [name for name in required if name not in inputs]
    if missing:
        raise PipelineError(f"missing input(s): {', '.join(missing)}")
