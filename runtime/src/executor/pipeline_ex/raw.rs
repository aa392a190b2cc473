//! [`RawSource`]: the step mappings of a pipeline_ex file as pipeline_ex itself sees them.
//!
//! pipeline_ex works on the raw step map (its VariableEngine rewrites every string of it
//! before the step runs, and each step type reads the keys it knows), and much of that map
//! (model names, `token_budget`, `claude_options`, file paths, transform operations,
//! `global_vars` values) is not carried by the IR. So the caller hands the runtime the
//! file's text too; it is parsed here, in memory, with pipec-syntax — the runtime still
//! reads no pipeline file — and every mapping that is a step (`type:`) or a workflow
//! (`steps:`) is kept as JSON under its span, which is the span the IR gives the step or
//! the pipeline. The span of every key inside a step mapping is kept too (by its dotted
//! path, `claude_options.allowed_tools`), so that what a run cannot honour is reported
//! where it is written.

use std::collections::HashMap;

use pipec_diagnostics::{FileId, Span};
use pipec_syntax::{NodeKind, NodeRef, SourceFormat, parse};
use serde_json::{Map, Number, Value};

/// The step and workflow mappings of one file, by span.
#[derive(Debug, Clone, Default)]
pub struct RawSource {
    maps: HashMap<Span, Value>,
    keys: HashMap<Span, Vec<(String, Span)>>,
}

impl RawSource {
    /// Parses `text` (the file `file`, named `name`, whose extension picks YAML or JSON).
    #[must_use]
    pub fn parse(file: FileId, name: &str, text: &str) -> RawSource {
        let mut raw = RawSource::default();
        let parsed = parse(file, text, SourceFormat::from_file_name(name));
        if let Some(document) = parsed.document {
            let mut pending = vec![document.root()];
            // Iterative, so a deep document cannot overflow the stack.
            while let Some(node) = pending.pop() {
                match node.kind() {
                    NodeKind::Seq(_) => pending.extend(node.as_seq().into_iter().flatten()),
                    NodeKind::Map(_) => {
                        if let Some(map) = node.as_map() {
                            if map.contains("type") || map.contains("steps") {
                                raw.maps.insert(node.span(), to_json(node));
                                let mut keys = Vec::new();
                                key_spans(node, "", &mut keys);
                                raw.keys.insert(node.span(), keys);
                            }
                            pending.extend(map.entries().map(|(_, v)| v));
                        }
                    }
                    _ => {}
                }
            }
        }
        raw
    }

    /// The mapping written at `span`.
    #[must_use]
    pub fn get(&self, span: Span) -> Option<&Value> {
        self.maps.get(&span)
    }

    /// Where the key at dotted `path` (`claude_options.hooks`, `parallel_tasks.0.prompt`)
    /// is written inside the mapping at `span`.
    #[must_use]
    pub fn key_span(&self, span: Span, path: &str) -> Option<Span> {
        self.keys
            .get(&span)?
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, s)| *s)
    }
}

/// Every key under `node` with its dotted path, except inside nested `steps` lists (those
/// steps have their own entry).
fn key_spans(node: NodeRef<'_>, prefix: &str, out: &mut Vec<(String, Span)>) {
    // Nesting is bounded by pipec-syntax's limits, so this recursion is too.
    match node.kind() {
        NodeKind::Map(_) => {
            let Some(map) = node.as_map() else { return };
            for (key, value) in map.entries() {
                let Some(name) = key.scalar_text() else {
                    continue;
                };
                let path = format!("{prefix}{name}");
                out.push((path.clone(), key.span()));
                if name != "steps" && name != "pipeline" {
                    key_spans(value, &format!("{path}."), out);
                }
            }
        }
        NodeKind::Seq(_) => {
            for (i, item) in node.as_seq().into_iter().flatten().enumerate() {
                key_spans(item, &format!("{prefix}{i}."), out);
            }
        }
        _ => {}
    }
}

/// A YAML text as JSON, as file_ops' `yaml_to_json` reads it; `None` when it does not parse.
#[must_use]
pub fn yaml_to_json(text: &str) -> Option<Value> {
    let parsed = parse(FileId(u32::MAX), text, SourceFormat::Yaml);
    if parsed
        .diagnostics
        .iter()
        .any(|d| d.severity == pipec_diagnostics::Severity::Error)
    {
        return None;
    }
    parsed.document.map(|d| to_json(d.root()))
}

/// A node as JSON (YAML's core schema; mapping keys as text).
fn to_json(node: NodeRef<'_>) -> Value {
    // Nesting is bounded by pipec-syntax's limits, so this recursion is too.
    match node.kind() {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => Value::Bool(b),
        NodeKind::Int(i) => Value::Number(i.into()),
        NodeKind::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
        NodeKind::Str(s, _) => Value::String(s.to_owned()),
        NodeKind::Seq(_) => {
            Value::Array(node.as_seq().into_iter().flatten().map(to_json).collect())
        }
        NodeKind::Map(_) => {
            let mut out = Map::new();
            if let Some(map) = node.as_map() {
                for (key, value) in map.entries() {
                    let key = key
                        .scalar_text()
                        .map(|k| k.into_owned())
                        .unwrap_or_default();
                    out.insert(key, to_json(value));
                }
            }
            Value::Object(out)
        }
    }
}
