//! A JSON file lowers to the same IR as the equivalent YAML (spans aside): after lowering,
//! nothing in the IR tells the two syntaxes apart.

use pipec_diagnostics::FileId;
use pipec_syntax::{NodeKind, NodeRef};

use super::root::EXAMPLE;
use super::{Out, clean};

/// Lower JSON `text`; the JSON itself must be clean.
pub fn lower_json_text(text: &str) -> Out {
    lower_json(text)
}

/// Lower JSON `text`; the JSON itself must be clean.
fn lower_json(text: &str) -> Out {
    let parsed = pipec_syntax::parse_json(FileId(0), text);
    assert!(
        parsed.diagnostics.is_empty(),
        "JSON problems: {:?}",
        parsed.diagnostics
    );
    let doc = parsed.document.expect("a document");
    let lowered = crate::lower::lower_document(&doc, text);
    Out {
        text: text.to_owned(),
        pipeline: lowered.pipeline,
        diagnostics: lowered.diagnostics.into_sorted(),
    }
}

/// The IR's debug rendering with every span and range replaced by `_`.
fn without_spans(out: &Out) -> String {
    strip(&format!("{:#?}", out.pipeline()))
}

/// Replace `start: N`, `end: N` (file spans) and `N..M` (expression ranges) by `_`.
fn strip(debug: &str) -> String {
    let mut stripped = String::with_capacity(debug.len());
    let mut chars = debug.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let after_word = stripped
            .chars()
            .last()
            .is_some_and(|p: char| p.is_alphanumeric() || p == '_' || p == '.');
        if !c.is_ascii_digit() || after_word {
            stripped.push(c);
            continue;
        }
        let mut end = i + 1;
        while chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) {
            end += 1;
            chars.next();
        }
        let rest = &debug[end..];
        if rest.starts_with("..") && rest[2..].starts_with(|d: char| d.is_ascii_digit()) {
            chars.next();
            chars.next();
            while chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) {
                chars.next();
            }
            stripped.push_str("_.._");
        } else if stripped.ends_with("start: ") || stripped.ends_with("end: ") {
            stripped.push('_');
        } else {
            stripped.push_str(&debug[i..end]);
        }
    }
    stripped
}

/// The document as JSON text, keys in source order.
fn to_json(node: NodeRef<'_>) -> String {
    match node.kind() {
        NodeKind::Null => "null".to_owned(),
        NodeKind::Bool(b) => b.to_string(),
        NodeKind::Int(i) => i.to_string(),
        NodeKind::Float(f) => format!("{f:?}"),
        NodeKind::Str(s, _) => serde_json::to_string(s).unwrap(),
        NodeKind::Seq(_) => format!(
            "[{}]",
            node.as_seq()
                .unwrap()
                .map(to_json)
                .collect::<Vec<_>>()
                .join(",\n")
        ),
        NodeKind::Map(_) => {
            let entries: Vec<String> = node
                .as_map()
                .unwrap()
                .entries()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        serde_json::to_string(&k.scalar_text().unwrap()).unwrap(),
                        to_json(v)
                    )
                })
                .collect();
            format!("{{{}}}", entries.join(",\n"))
        }
    }
}

#[test]
fn the_example_in_json_gives_the_same_ir() {
    let yaml = clean(EXAMPLE);
    let doc = pipec_syntax::parse_yaml(FileId(0), EXAMPLE)
        .document
        .unwrap();
    let json = lower_json(&to_json(doc.root()));
    assert!(json.diagnostics.is_empty(), "{:#?}", json.diagnostics);
    assert_eq!(without_spans(&json), without_spans(&yaml));
    // And the stripping is not vacuous: the spans themselves differ.
    assert_ne!(
        format!("{:?}", json.pipeline()),
        format!("{:?}", yaml.pipeline())
    );
}

#[test]
fn a_hand_written_json_file() {
    let json = r#"{
  "pipec": 1,
  "name": "qa",
  "inputs": {"question": "str"},
  "steps": [
    {"id": "answer", "kind": "predict", "signature": "question: str -> answer: str",
     "with": {"question": "{{ inputs.question }}"}, "timeout": "30s", "retry": 1}
  ]
}"#;
    let yaml = "pipec: 1
name: qa
inputs:
  question: str
steps:
  - id: answer
    kind: predict
    signature: \"question: str -> answer: str\"
    with:
      question: \"{{ inputs.question }}\"
    timeout: 30s
    retry: 1
";
    let json = lower_json(json);
    assert!(json.diagnostics.is_empty(), "{:#?}", json.diagnostics);
    assert_eq!(without_spans(&json), without_spans(&clean(yaml)));
    // Errors point into the JSON text as precisely as into YAML.
    let broken = lower_json(
        r#"{"pipec": 1, "name": "qa", "steps": [{"id": "a", "kind": "predict", "signature": "q: strr -> a"}]}"#,
    );
    assert_eq!(broken.at(broken.diagnostics[0].primary.span), "strr");
}

#[test]
fn span_stripping() {
    let debug =
        "Span { file: FileId(0), start: 12, end: 30 }, span: 4..9, value: 20, x: 0.15, P0101";
    assert_eq!(
        strip(debug),
        "Span { file: FileId(0), start: _, end: _ }, span: _.._, value: 20, x: 0.15, P0101"
    );
}
