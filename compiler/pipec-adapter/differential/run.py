"""Differential check of pipec-adapter against the real DSPy 3.4.1 and json_repair 0.64.5.

Generates random cases, asks DSPy (in this process) and pipec (the `dspy_differential`
example) for their answers, and reports every disagreement. Needs a Python with
`dspy==3.4.1` installed (which brings json_repair 0.64.5 and pydantic 2.14), kept out of the
repository, e.g.:

    python3 -m venv /tmp/dspy-venv && /tmp/dspy-venv/bin/pip install dspy==3.4.1
    /tmp/dspy-venv/bin/python compiler/pipec-adapter/differential/run.py parse --seed 1 --count 3000

Run from the repository root. Exit status 1 when pipec and DSPy disagree.
"""

import argparse
import enum
import json
import random
import subprocess
import sys
import typing
import warnings

warnings.filterwarnings("ignore")

import dspy  # noqa: E402
import json_repair  # noqa: E402
import pydantic  # noqa: E402
from pydantic import Field  # noqa: E402

Color = enum.Enum("Color", [("RED", "red"), ("GREEN", "green")])
Pri = enum.Enum("Pri", [("LOW", 1), ("HIGH", 2)])
Ans = pydantic.create_model(
    "Ans",
    __doc__="A thing.\n  More.",
    text=(str, Field(description="t")),
    conf=(float, Field(default=0.5)),
    tags=(list[str], Field(default=[])),
)
Node = pydantic.create_model(
    "Node",
    v=(int, Field()),
    kids=(list["Node"], Field(default=[])),
    color=(typing.Optional[Color], Field(default=None)),
)
Node.model_rebuild()
NAMES = {"Ans": Ans, "Color": Color, "Pri": Pri, "Node": Node, "dspy": dspy}
NAMES.update({k: getattr(typing, k) for k in ("Any", "Optional", "Union", "Literal")})
TYPES = [
    {"kind": "model", "name": "Ans", "doc": "A thing.\n  More.", "fields": [
        {"name": "text", "type": "str", "description": "t"},
        {"name": "conf", "type": "float", "description": None, "default": 0.5},
        {"name": "tags", "type": "list[str]", "description": None, "default": []}]},
    {"kind": "enum", "name": "Color", "members": [{"name": "RED", "value": "red"}, {"name": "GREEN", "value": "green"}]},
    {"kind": "enum", "name": "Pri", "members": [{"name": "LOW", "value": 1}, {"name": "HIGH", "value": 2}]},
    {"kind": "model", "name": "Node", "doc": None, "fields": [
        {"name": "v", "type": "int", "description": None},
        {"name": "kids", "type": "list[Node]", "description": None, "default": []},
        {"name": "color", "type": "Optional[Color]", "description": None, "default": None}]},
]
TYPE_STRINGS = [
    "str", "int", "float", "bool", "list[int]", "list[str]", "dict[str, int]", "dict[str, Any]", "Any",
    "Optional[int]", "Optional[str]", "Union[int, str]", "Union[float, int]", "Union[int, float]", "Union[bool, int]",
    "Literal['a', 'b']", "Literal[1, 2]", "Literal[True, False]", "Literal['a', 1]", "tuple[int, str]",
    "tuple[int, ...]", "set[int]", "list[Optional[int]]", "Optional[list[int]]", "Union[int, list[int]]",
    "dict[str, list[int]]", "Ans", "Color", "Pri", "list[Ans]", "Optional[Ans]", "list[Color]", "Node",
    "Union[int, str, None]", "list", "dict", "Union[Ans, str]", "dict[str, Ans]", "dspy.Reasoning", "bytes",
    "frozenset[int]", "dict[Literal['x', 'y'], int]", "tuple[()]", "dspy.ToolCalls", "Union[None, int]",
]
TEXT_ATOMS = [
    "1", "-2", "3.0", "3.5", "1e3", ".5", "True", "true", "False", "None", "null", "yes", "on", '"x"', "'x'", "x",
    "a", "red", "GREEN", "2", "'a'", "Literal[a]", "str[b]", "[1, 2]", '[1, "2"]', '["a", "b"]', "(1, 2)", "1, 2",
    '{"a": 1}', "{'a': 1}", '{"text": "t"}', "{'text': 't', 'conf': 1}", '[{"text": "t"}]', '{"v": 1, "kids": []}',
    "{1: 2}", "[1, None]", "[]", "{}", '""', "1_000", "0x10", "+5", "[1, 2", '{"a": 1,}', "hello world",
    '```json\n{"a": 1}\n```', 'Answer: {"a": 1}', "1,000", "50%", "NaN", "12345678901234567890", "{1, 2}",
]
REPAIR_ATOMS = [
    '"a"', "'b'", "1", "-2.5", "true", "False", "None", "abc", "x y", '"q\\"x"', "“smart”", "„low”", "1,000",
    ".5", "3/4", "...", '"', "'", "`", "```json", "```", "#c\n", "// c\n", "/* c */", "\\", ":", ",", " ", "\n",
    "{", "}", "[", "]", "(", ")", "key:", '"k":', "'k':", "k2: v", '"v, w"', '{"x": 1}', "é", ",}", "\\u00e9",
]
VALUES = [
    "hello", "multi\nline", "«x»", "", 1, -2, 3.5, 1e-07, 1e16, 100.0, True, False, None, [], ["a"], ["a", "b\nc"],
    [1, 2], {"k": "v"}, {"text": "t", "conf": 1.0}, "red", [{"a": 1}], "Zoë ✓", 12345678901234567890,
]


def field_type(text):
    return eval(text, dict(NAMES))  # the type strings above, nothing else


def signature(spec):
    fields = {}
    for side, make in (("inputs", dspy.InputField), ("outputs", dspy.OutputField)):
        for f in spec[side]:
            kwargs = {} if f.get("desc") is None else {"desc": f["desc"]}
            fields[f["name"]] = (str if f["type"] is None else field_type(f["type"]), make(**kwargs))
    if spec.get("instructions"):
        return dspy.Signature(fields, spec["instructions"])
    return dspy.Signature(fields)


def repair_cases(rng, count):
    for _ in range(count):
        text = "".join(rng.choice(REPAIR_ATOMS) for _ in range(rng.randint(1, 30)))
        try:
            expected = {"value": json_repair.loads(text)}
        except BaseException as e:  # RecursionError too
            expected = {"error": type(e).__name__}
        yield {"text": text}, expected


def dump(value):
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, float):
        return value  # pydantic's JSON mode would turn NaN into None
    return pydantic.TypeAdapter(typing.Any).dump_python(value, mode="json")


def parse_cases(rng, count):
    for _ in range(count):
        ty = rng.choice(TYPE_STRINGS)
        adapter = rng.choice(["chat", "json"])
        text = " ".join(rng.choice(TEXT_ATOMS) for _ in range(rng.choice([1, 1, 2])))
        if adapter == "chat":
            completion = f"[[ ## f ## ]]\n{text}\n\n[[ ## completed ## ]]"
        else:
            completion = '{"f": ' + text + "}" if rng.random() < 0.5 else json.dumps({"f": text})
        spec = {"instructions": None, "inputs": [{"name": "q", "type": None}], "outputs": [{"name": "f", "type": ty}]}
        ad = dspy.ChatAdapter() if adapter == "chat" else dspy.JSONAdapter()
        try:
            parsed = ad.parse(signature(spec), completion)
            expected = {"values": {k: dump(v) for k, v in parsed.items()},
                        "value_types": {k: type(v).__name__ for k, v in parsed.items()}}
        except BaseException as e:
            expected = {"error": type(e).__name__}
        yield {"adapter": adapter, "signature": spec, "types": TYPES, "completion": completion}, expected


def format_cases(rng, count):
    for _ in range(count):
        spec = {"instructions": rng.choice([None, "Do it.", "  Indented\n    more\n\n  end  ", "Tabs\there"]),
                "inputs": [], "outputs": []}
        for j in range(rng.randint(0, 3)):
            spec["inputs"].append({"name": f"i{j}", "type": rng.choice(TYPE_STRINGS + ["str"] * 5),
                                   "desc": rng.choice([None, "an input", "two\nlines", ""])})
        for j in range(rng.randint(0, 3)):
            spec["outputs"].append({"name": f"o{j}", "type": rng.choice(TYPE_STRINGS), "desc": rng.choice([None, "out"])})
        names = [f["name"] for f in spec["inputs"] + spec["outputs"]]
        inputs = {f["name"]: rng.choice(VALUES) for f in spec["inputs"] if rng.random() < 0.9}
        demos = [{n: rng.choice(VALUES) for n in names if rng.random() < 0.8} for _ in range(rng.randint(0, 2))]
        adapter = rng.choice(["chat", "json"])
        try:
            sig = signature(spec)
        except BaseException:
            continue
        ad = dspy.ChatAdapter() if adapter == "chat" else dspy.JSONAdapter()
        try:
            expected = {"messages": ad.format(sig, demos, inputs)}
        except BaseException as e:
            expected = {"error": type(e).__name__}
        yield {"adapter": adapter, "signature": spec, "types": TYPES, "demos": demos, "inputs": inputs}, expected


def same(kind, expected, actual):
    if "error" in expected or "error" in actual:
        return ("error" in expected) == ("error" in actual)
    if kind == "parse":
        for name, t in expected["value_types"].items():
            if t in ("set", "frozenset"):  # Python's set order is its hash order
                expected["values"][name] = sorted(expected["values"][name], key=repr)
                actual["values"][name] = sorted(actual["values"][name], key=repr)
    key = {"repair": "value", "parse": "values", "format": "messages"}[kind]
    if kind == "parse" and expected["value_types"] != actual["value_types"]:
        return False
    return json.dumps(expected[key]) == json.dumps(actual[key])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["repair", "parse", "format"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    assert dspy.__version__ == "3.4.1", dspy.__version__
    generate = {"repair": repair_cases, "parse": parse_cases, "format": format_cases}[args.kind]
    cases = []
    for case, expected in generate(random.Random(args.seed), args.count):
        try:
            cases.append((json.dumps(case, ensure_ascii=False, allow_nan=False), expected))
        except ValueError:
            continue  # NaN and infinities are not JSON
    run = subprocess.run(
        ["cargo", "run", "-q", "--release", "-p", "pipec-adapter", "--example", "dspy_differential", "--", args.kind],
        input="\n".join(c for c, _ in cases) + "\n", capture_output=True, text=True, check=True,
    )
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    disagreements = [(c, e, a) for (c, e), a in zip(cases, answers) if not same(args.kind, e, a)]
    for case, expected, actual in disagreements[:10]:
        print(f"case {case}\n  DSPy  {json.dumps(expected)[:400]}\n  pipec {json.dumps(actual)[:400]}")
    print(f"{args.kind}: {len(cases) - len(disagreements)} of {len(cases)} cases agree")
    sys.exit(1 if disagreements or len(answers) != len(cases) else 0)


if __name__ == "__main__":
    main()
