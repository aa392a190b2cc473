//! The emitters write text that reads back as the same values: every YAML file in the
//! repository (examples, fixtures, the pipeline_ex corpus) and a set of awkward strings go
//! through `to_yaml` and `to_json` and are parsed again.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use std::fmt::Write as _;
use std::path::Path;

use pipec_diagnostics::FileId;
use pipec_syntax::emit::{to_json, to_yaml};
use pipec_syntax::{Document, NodeKind, NodeRef, SourceFormat, parse};

/// The values of a tree, without spans or styles. `keys_as_text` compares mapping keys
/// by their text, as JSON (string keys only) keeps them.
fn values(node: NodeRef<'_>, keys_as_text: bool, out: &mut String) {
    match node.kind() {
        NodeKind::Map(_) => {
            out.push('{');
            for (k, v) in node.as_map().into_iter().flat_map(|m| m.entries()) {
                if keys_as_text {
                    let _ = write!(out, "{:?}", k.scalar_text().unwrap_or_default());
                } else {
                    values(k, keys_as_text, out);
                }
                out.push(':');
                values(v, keys_as_text, out);
                out.push(',');
            }
            out.push('}');
        }
        NodeKind::Seq(_) => {
            out.push('[');
            for item in node.as_seq().into_iter().flatten() {
                values(item, keys_as_text, out);
                out.push(',');
            }
            out.push(']');
        }
        NodeKind::Str(s, _) => {
            let _ = write!(out, "s{s:?}");
        }
        NodeKind::Float(f) if keys_as_text && !f.is_finite() => out.push_str("Null"),
        other => {
            let _ = write!(out, "{other:?}");
        }
    }
}

fn dump(doc: &Document, keys_as_text: bool) -> String {
    let mut out = String::new();
    values(doc.root(), keys_as_text, &mut out);
    out
}

fn reparse(text: &str, format: SourceFormat, name: &str) -> Document {
    let parsed = parse(FileId(0), text, format);
    assert!(
        parsed.diagnostics.is_empty(),
        "{name}: the emitted text does not parse cleanly: {:?}\n{text}",
        parsed.diagnostics
    );
    parsed.document.unwrap()
}

/// Round-trip `source`; a file that does not parse (a fixture of a syntax error) is
/// skipped unless `must_parse`.
fn round_trip(name: &str, source: &str, must_parse: bool) {
    let Some(doc) = parse(FileId(0), source, SourceFormat::Yaml).document else {
        assert!(!must_parse, "{name} does not parse");
        return;
    };
    let yaml = to_yaml(&doc);
    let again = reparse(&yaml, SourceFormat::Yaml, name);
    assert_eq!(
        dump(&doc, false),
        dump(&again, false),
        "{name}: YAML round trip\n{yaml}"
    );
    assert_eq!(to_yaml(&again), yaml, "{name}: emitting YAML is not stable");
    let json = to_json(&doc);
    let from_json = reparse(&json, SourceFormat::Json, name);
    assert_eq!(
        dump(&doc, true),
        dump(&from_json, true),
        "{name}: JSON round trip\n{json}"
    );
}

#[test]
fn every_repository_file_round_trips() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in [
        "examples",
        "compiler/pipec-check/tests/fixtures",
        "../shared/corpus",
    ] {
        common::yaml_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 80);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        round_trip(&path.display().to_string(), &text, false);
    }
}

#[test]
fn awkward_scalars_round_trip() {
    let cases = [
        "a: 'true'\nb: '1'\nc: ''\nd: 'null'\ne: '-x'\nf: ' lead'\ng: 'trail '\nh: 'a: b'\ni: 'a #b'\n",
        "j: \"tab\\there\"\nk: \"line\\nbreak\"\nl: \"two\\n\\n\"\nm: \"\\n\\nlead\"\nn: \"bell\\x07\"\no: \"\\u00e9\\U0001F600\"\n",
        "p: |\n  keep\n   indented\n\n  end\nq: >-\n  folded\n  text\nr: \"  spaced\\nlines\"\n",
        "s: 1.0\nt: 1e20\nu: -0.5\nv: .inf\nw: .nan\nx: 0x1F\ny: ~\nz: [[], {}, [1, [2]], {a: {b: c}}]\n",
        "'key: colon': 1\n'#hash': 2\n\"\": 3\n1: int key\n",
        "- - a\n  - b\n- {}\n- k: v\n  l: [x]\n",
    ];
    for (i, case) in cases.iter().enumerate() {
        round_trip(&format!("case {i}"), case, true);
    }
}

#[test]
fn comments_beside_block_scalars_stay_comments() {
    use pipec_syntax::convert::{Target, convert};
    let source =
        "a: |  # on the header\n  line one\n  # text, not a comment\nb: x  # on b\n# at the end\n";
    let out = convert(FileId(0), source, SourceFormat::Yaml, Target::Yaml).unwrap();
    assert_eq!(
        out,
        "a: |\n  line one\n  # text, not a comment\n# on the header\nb: x  # on b\n# at the end\n"
    );
    let again = reparse(&out, SourceFormat::Yaml, "out.yaml");
    let first = reparse(source, SourceFormat::Yaml, "in.yaml");
    assert_eq!(
        to_json(&again),
        to_json(&first),
        "the values changed:\n{out}"
    );
}
