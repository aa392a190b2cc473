//! Steps of a native document back to DSL step declarations: the keys the step's line
//! takes by kind (signature and `with`, prompt, file, `vars`, input, `over`/`as`,
//! `until`/`while`), the nested statements (steps, cases, messages, operations, an inline
//! signature or pipeline), and every other key as a `key value` setting.

use pipec_diagnostics::Span;

use super::{
    SPAN, docs, ident, pipeline_items, raw, signature_def, single_hole, str_lit, text_of,
    unwrap_hole, value,
};
use crate::dsl::ast::{
    Args, Case, Default, InlineSignature, InlineSignatureDef, Item, ItemKind, Message, Op, OpArg,
    PipelineDecl, Setting, StepDecl, StepHead, StepStmt, Value,
};
use crate::dsl::keywords::{EXPR_KEYS, HeadForm, positional_key};
use crate::node::{NodeKind, NodeRef};

/// One step mapping.
pub(super) fn step(node: NodeRef<'_>) -> StepDecl {
    let map = node.as_map();
    let get = |key: &str| map.and_then(|m| m.get(key));
    let kind = get("kind").map(text_of).unwrap_or_default();
    let form = HeadForm::of(&kind);
    let mut used: Vec<&str> = vec!["id", "kind", "description"];
    let mut body = Vec::new();
    let head = match form {
        HeadForm::Call => {
            used.extend(["signature", "with"]);
            let signature = match get("signature") {
                Some(sig) if sig.as_map().is_some() => {
                    let (mut docs, def) = signature_def(sig);
                    super::at_start(&mut docs, sig.span());
                    body.push(StepStmt::Signature(InlineSignature {
                        keyword: SPAN,
                        docs,
                        def: InlineSignatureDef::Def(def),
                    }));
                    None
                }
                Some(sig) => Some(signature_ref(&text_of(sig))),
                None => None,
            };
            StepHead::Call {
                signature,
                args: get("with").map(args),
            }
        }
        HeadForm::Prompt => {
            used.extend(["prompt", "messages"]);
            for message in get("messages")
                .and_then(NodeRef::as_seq)
                .into_iter()
                .flatten()
            {
                let m = message.as_map();
                body.push(StepStmt::Message(Message {
                    role: ident(
                        &m.and_then(|m| m.get("role"))
                            .map(text_of)
                            .unwrap_or_default(),
                    ),
                    content: m.and_then(|m| m.get("content")).map(template),
                }));
            }
            StepHead::Prompt(get("prompt").map(template))
        }
        HeadForm::File => {
            used.extend(["file", "with", "pipeline"]);
            if let Some(inline) = get("pipeline") {
                let inner = inline.as_map();
                body.push(StepStmt::Pipeline(Item {
                    docs: docs(inner.and_then(|m| m.get("description"))),
                    span: SPAN,
                    kind: ItemKind::Pipeline(PipelineDecl {
                        keyword: SPAN,
                        name: inner
                            .and_then(|m| m.get("name"))
                            .map(|n| ident(&text_of(n))),
                        body: Some(pipeline_items(inline, false)),
                    }),
                }));
            }
            StepHead::File {
                path: get("file").map(|f| str_lit(&text_of(f))),
                args: get("with").map(args),
            }
        }
        HeadForm::Set => {
            used.push("vars");
            StepHead::Set(get("vars").map(args))
        }
        HeadForm::Input => {
            used.extend(["input", "ops"]);
            for op in get("ops").and_then(NodeRef::as_seq).into_iter().flatten() {
                body.push(StepStmt::Op(operation(op)));
            }
            StepHead::Input(get("input").map(|i| raw(unwrap_hole(&text_of(i)))))
        }
        HeadForm::Map => {
            used.extend(["as", "over"]);
            StepHead::Map {
                var: get("as").map(|v| (ident(&text_of(v)), SPAN)),
                over: get("over").map(|o| raw(unwrap_hole(&text_of(o)))),
            }
        }
        HeadForm::Loop => {
            let word = if get("until").is_some() {
                "until"
            } else {
                "while"
            };
            used.push(word);
            StepHead::Loop(get(word).map(|c| (ident(word), raw(&condition(c)))))
        }
        HeadForm::Empty | HeadForm::Unknown => StepHead::Empty,
    };
    if form.has_cases() {
        used.extend(["cases", "default"]);
        for case in get("cases").and_then(NodeRef::as_seq).into_iter().flatten() {
            let c = case.as_map();
            body.push(StepStmt::Case(Case {
                keyword: Span {
                    end: case.span().start,
                    ..case.span()
                },
                condition: c.and_then(|m| m.get("when")).map(|w| raw(&condition(w))),
                body: steps(c.and_then(|m| m.get("steps"))),
                block: case.span(),
            }));
        }
        if let Some(default) = get("default") {
            body.push(StepStmt::Default(Default {
                keyword: Span {
                    end: default.span().start,
                    ..default.span()
                },
                body: steps(Some(default)),
                block: default.span(),
            }));
        }
    }
    let mut nested = Vec::new();
    if form.has_body() {
        used.push("steps");
        nested = steps(get("steps"));
    }
    // Every other key is a setting, in the order written, before the nested steps.
    let mut settings_out = Vec::new();
    for (key, v) in map.into_iter().flat_map(|m| m.entries()) {
        let key = text_of(key);
        if used.contains(&key.as_str()) {
            continue;
        }
        let value = if EXPR_KEYS.contains(&key.as_str()) {
            Value::Raw(raw(&condition(v)))
        } else {
            value(v)
        };
        settings_out.push(StepStmt::Setting(Setting {
            key: ident(&key),
            value: Some(value),
            docs: None,
            span: v.span(),
        }));
    }
    settings_out.append(&mut body);
    settings_out.append(&mut nested);
    let span = node.span();
    StepDecl {
        docs: docs(get("description")).map(|mut d| {
            d.span = Span {
                end: span.start,
                ..span
            };
            d
        }),
        span,
        keyword: SPAN,
        id: ident(&get("id").map(text_of).unwrap_or_default()),
        kind: ident(&kind),
        head,
        body: settings_out,
        block: Some(span),
    }
}

/// A sequence of steps as nested statements.
fn steps(node: Option<NodeRef<'_>>) -> Vec<StepStmt> {
    node.and_then(NodeRef::as_seq)
        .into_iter()
        .flatten()
        .map(|s| StepStmt::Step(step(s)))
        .collect()
}

/// A signature named, or written as a DSPy string.
fn signature_ref(text: &str) -> Value {
    let is_name = text
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_alphanumeric() || c == '_');
    if is_name {
        Value::Word(ident(text))
    } else {
        Value::Str(str_lit(text))
    }
}

/// `with:` or `vars:` as bindings.
fn args(node: NodeRef<'_>) -> Args {
    let mut bindings = Vec::new();
    for (key, v) in node.as_map().into_iter().flat_map(|m| m.entries()) {
        bindings.push((ident(&text_of(key)), template(v)));
    }
    Args {
        span: SPAN,
        bindings,
    }
}

/// A template value: a string that is one `{{ }}` hole is written as its bare expression,
/// other strings as strings, other values as they are.
fn template(node: NodeRef<'_>) -> Value {
    match node.kind() {
        NodeKind::Str(text, _) => match single_hole(text) {
            Some(expr) if safe_bare(expr) => Value::Raw(raw(expr)),
            _ => Value::Str(str_lit(text)),
        },
        _ => value(node),
    }
}

/// Whether an expression can be written bare inside `(...)` or after an operation: the DSL
/// ends it at a `,` or `)` outside brackets and quotes, and at a `//`.
fn safe_bare(expr: &str) -> bool {
    let mut depth = 0i32;
    let mut quote = None;
    let mut prev = ' ';
    for c in expr.chars() {
        match quote {
            Some(q) if c == q && prev != '\\' => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => return false,
                '/' if prev == '/' => return false,
                _ => {}
            },
        }
        if depth < 0 {
            return false;
        }
        prev = c;
    }
    depth == 0 && quote.is_none() && !expr.is_empty()
}

/// A condition as one expression: a string (without a `{{ }}` wrapper) as it is; a list,
/// `{and: [...]}`, `{or: [...]}` and `{not: ...}` joined with `and`, `or` and `not`.
fn condition(node: NodeRef<'_>) -> String {
    let part = |n: NodeRef<'_>| format!("({})", condition(n));
    let join = |items: NodeRef<'_>, op: &str| {
        let parts: Vec<String> = items.as_seq().into_iter().flatten().map(part).collect();
        parts.join(op)
    };
    match node.kind() {
        NodeKind::Seq(_) => join(node, " and "),
        NodeKind::Map(_) => {
            let Some((key, v)) = node.as_map().and_then(|m| m.entries().next()) else {
                return String::new();
            };
            match text_of(key).as_str() {
                "and" => join(v, " and "),
                "or" => join(v, " or "),
                "not" => format!("not {}", part(v)),
                _ => text_of(v),
            }
        }
        _ => unwrap_hole(&text_of(node)).to_owned(),
    }
}

/// A transform operation: its main key as the positional argument, the others named.
fn operation(node: NodeRef<'_>) -> Op {
    let map = node.as_map();
    let name = map
        .and_then(|m| m.get("op"))
        .map(text_of)
        .unwrap_or_default();
    let main = positional_key(&name);
    let mut args = Vec::new();
    for (key, v) in map.into_iter().flat_map(|m| m.entries()) {
        let key = text_of(key);
        if key == "op" {
            continue;
        }
        let value = op_value(v);
        if Some(key.as_str()) == main && args.is_empty() {
            args.push(OpArg::Positional(value));
        } else {
            args.push(OpArg::Named(ident(&key), value));
        }
    }
    // The positional argument goes first.
    args.sort_by_key(|a| !matches!(a, OpArg::Positional(_)));
    let mut name = ident(&name);
    name.span = node.span();
    Op { name, args }
}

/// An operation's argument: an expression written bare when it can be, else a string.
fn op_value(node: NodeRef<'_>) -> Value {
    match node.kind() {
        NodeKind::Str(text, _) if safe_bare(text) && !text.starts_with('"') => {
            Value::Raw(raw(text))
        }
        NodeKind::Str(text, _) => Value::Str(str_lit(text)),
        NodeKind::Int(n) => Value::Raw(raw(&n.to_string())),
        _ => value(node),
    }
}
