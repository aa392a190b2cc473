//! Hostile completions and inputs: deep nesting, unclosed everything, stray quotes and
//! escapes, long inputs. Whatever comes back, nothing may panic or run away.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::time::{Duration, Instant};

use pipec_adapter::parse::json_repair;
use pipec_adapter::parse::literal_eval::literal_eval;
use pipec_adapter::{
    Adapter, FieldSpec, Map, Signature, TypeDefs, Value, format, parse, parse_type,
};

/// A small deterministic generator (no dependency needed for test noise).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn text(&mut self, pieces: &[&str], len: usize) -> String {
        (0..len)
            .map(|_| pieces[usize::try_from(self.next()).unwrap() % pieces.len()])
            .collect()
    }
}

const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "'",
    "“",
    "”",
    "„",
    "`",
    "```json",
    ":",
    ",",
    " ",
    "\n",
    "\\",
    "\\u12",
    "\\ud83d",
    "#",
    "//",
    "/*",
    "*/",
    "a",
    "true",
    "None",
    "1",
    "-",
    ".",
    "e",
    "1e999",
    "0x",
    "[[ ## f ## ]]",
    "«",
    "é",
    "\u{0}",
];

fn signature(ty: &str) -> Signature {
    Signature {
        instructions: None,
        inputs: vec![FieldSpec::new("q", pipec_ir::Type::Str)],
        outputs: vec![FieldSpec::new(
            "f",
            parse_type(Some(ty), &TypeDefs::new()).unwrap(),
        )],
    }
}

#[test]
fn random_completions_never_panic() {
    let types = TypeDefs::new();
    let signatures: Vec<Signature> = [
        "str",
        "int",
        "list[int]",
        "dict[str, Any]",
        "Any",
        "Optional[float]",
        "Literal['a', 1]",
        "tuple[int, ...]",
    ]
    .iter()
    .map(|t| signature(t))
    .collect();
    let mut noise = Noise(7);
    let started = Instant::now();
    for round in 0..3000 {
        let len = 1 + usize::try_from(noise.next() % 40).unwrap();
        let text = noise.text(PIECES, len);
        let sig = &signatures[round % signatures.len()];
        let _ = parse(
            Adapter::Chat,
            sig,
            &types,
            &format!("[[ ## f ## ]]\n{text}"),
        );
        let _ = parse(Adapter::Json, sig, &types, &text);
        let _ = literal_eval(&text);
    }
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn deep_and_long_inputs_are_bounded() {
    let types = TypeDefs::new();
    let sig = signature("list[Any]");
    let deep = [
        "[".repeat(50_000),
        "{\"a\":".repeat(30_000),
        "(".repeat(20_000),
        format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000)),
        "'a".repeat(50_000),
        "\"\\".repeat(50_000),
    ];
    for text in &deep {
        let started = Instant::now();
        let _ = json_repair::loads(text);
        let _ = literal_eval(text);
        let _ = parse(
            Adapter::Chat,
            &sig,
            &types,
            &format!("[[ ## f ## ]]\n{text}"),
        );
        let _ = parse(Adapter::Json, &sig, &types, text);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }
}

#[test]
fn odd_inputs_format_or_fail_cleanly() {
    let sig = signature("str");
    let mut inputs = Map::new();
    inputs.insert(
        "q",
        Value::List(vec![Value::Null, Value::List(vec![Value::str("\n")])]),
    );
    assert!(format(Adapter::Chat, &sig, &TypeDefs::new(), &[], &inputs).is_err());
    inputs.insert(
        "q",
        Value::str("<<CUSTOM-TYPE-START-IDENTIFIER>>[]<<CUSTOM-TYPE-END-IDENTIFIER>>"),
    );
    assert!(format(Adapter::Chat, &sig, &TypeDefs::new(), &[], &inputs).is_err());
    let undeclared = Signature {
        outputs: vec![FieldSpec::new("f", pipec_ir::Type::Named("Nope".into()))],
        ..sig
    };
    let error = format(
        Adapter::Json,
        &undeclared,
        &TypeDefs::new(),
        &[],
        &Map::new(),
    )
    .unwrap_err();
    assert_eq!(error.field(), "f");
}
