//! Desugaring steps: a `step` statement and its block become the step mapping of the
//! native format. The step's line gives `id`, `kind` and what its kind reads there
//! (`signature` and `with`, `prompt`, `file`, `vars`, `input`, `over` and `as`, `until` or
//! `while`); the block's settings are keys as they are; nested statements gather into
//! `steps`, `cases`, `default`, `messages` and `ops`.

use pipec_diagnostics::{Code, Diagnostic, Span};

use super::ast::{
    Args, Invalid, Item, ItemKind, Op, OpArg, Setting, StepDecl, StepHead, StepStmt, Value,
};
use super::desugar::{description, pipeline, signature_node};
use super::keywords::{LIST_KEYS, OPS, TEMPLATE_KEYS, positional_key};
use super::tree::{MapBuilder, Tree};
use crate::node::NodeId;

/// A step item of a pipeline (or the placeholder of one that did not parse).
pub(crate) fn step_item(tree: &mut Tree, item: &Item) -> Option<(NodeId, Span)> {
    match &item.kind {
        ItemKind::Step(step) => Some((step_node(tree, step), step.span)),
        ItemKind::Invalid(invalid) => placeholder_step(tree, invalid),
        _ => None,
    }
}

/// A stand-in for a step whose statement did not parse (its error is reported): a
/// `transform` of `null`, which every pass accepts and whose result has any type, so that
/// references to the step still resolve and nothing is reported twice.
fn placeholder_step(tree: &mut Tree, invalid: &Invalid) -> Option<(NodeId, Span)> {
    let (keyword, name) = invalid.salvaged.as_ref()?;
    if keyword.text != "step" {
        return None;
    }
    let mut map = MapBuilder::new("");
    let id = tree.ident(name);
    map.insert(tree, "id", keyword.span, id);
    let kind = tree.plain("transform", name.span);
    map.insert(tree, "kind", name.span, kind);
    let input = tree.plain("null", name.span);
    map.insert(tree, "input", name.span, input);
    let ops = tree.doc.add_seq(Vec::new(), name.span);
    map.insert(tree, "ops", name.span, ops);
    Some((map.finish(tree, invalid.span), invalid.span))
}

/// What the statements of a step's block gather into.
#[derive(Default)]
struct Body {
    steps: Vec<(NodeId, Span)>,
    steps_keyword: Option<Span>,
    cases: Vec<(NodeId, Span)>,
    cases_keyword: Option<Span>,
    messages: Vec<(NodeId, Span)>,
    ops: Vec<(NodeId, Span)>,
}

fn step_node(tree: &mut Tree, step: &StepDecl) -> NodeId {
    let mut map = MapBuilder::new(format!("step `{}`", step.id.text));
    let id = tree.ident(&step.id);
    map.insert(tree, "id", step.keyword, id);
    let kind = tree.ident(&step.kind);
    map.insert(tree, "kind", step.kind.span, kind);
    description(tree, &mut map, "description", step.docs.as_ref());
    head(tree, &mut map, &step.head, &step.id.text);
    let mut body = Body::default();
    for stmt in &step.body {
        body_stmt(tree, &mut map, &mut body, stmt);
    }
    if let Some(keyword) = body.steps_keyword {
        let (seq, _) = tree.seq(body.steps);
        map.insert(tree, "steps", keyword, seq);
    }
    if let Some(keyword) = body.cases_keyword {
        let (seq, _) = tree.seq(body.cases);
        map.insert(tree, "cases", keyword, seq);
    }
    if let Some(&(_, first)) = body.messages.first() {
        let (seq, _) = tree.seq(body.messages);
        map.insert(tree, "messages", first, seq);
    }
    if let Some(&(_, first)) = body.ops.first() {
        let (seq, _) = tree.seq(body.ops);
        map.insert(tree, "ops", first, seq);
    }
    map.finish(tree, step.span)
}

/// The keys the step's line gives.
fn head(tree: &mut Tree, map: &mut MapBuilder, head: &StepHead, id: &str) {
    match head {
        StepHead::Call { signature, args } => {
            if let Some(signature) = signature {
                let node = tree.value(signature);
                map.insert(tree, "signature", signature.span(), node);
            }
            bindings(tree, map, "with", args.as_ref(), id);
        }
        StepHead::Prompt(prompt) => {
            if let Some(prompt) = prompt {
                let node = tree.template(prompt);
                map.insert(tree, "prompt", prompt.span(), node);
            }
        }
        StepHead::File { path, args } => {
            if let Some(path) = path {
                let node = tree.literal(path);
                map.insert(tree, "file", path.span, node);
            }
            bindings(tree, map, "with", args.as_ref(), id);
        }
        StepHead::Set(args) => bindings(tree, map, "vars", args.as_ref(), id),
        StepHead::Input(input) => {
            if let Some(input) = input {
                let node = tree.raw(input);
                map.insert(tree, "input", input.span, node);
            }
        }
        StepHead::Map { var, over } => {
            if let Some(over) = over {
                let key = var.as_ref().map_or(over.span, |(_, keyword)| *keyword);
                let node = tree.raw(over);
                map.insert(tree, "over", key, node);
            }
            if let Some((name, _)) = var {
                let node = tree.ident(name);
                map.insert(tree, "as", name.span, node);
            }
        }
        StepHead::Loop(Some((keyword, condition))) => {
            let node = tree.raw(condition);
            map.insert(tree, &keyword.text, keyword.span, node);
        }
        StepHead::Loop(None) | StepHead::Empty => {}
    }
}

/// `(name = value, ...)` as `key: {name: template}`.
fn bindings(tree: &mut Tree, map: &mut MapBuilder, key: &str, args: Option<&Args>, id: &str) {
    let Some(args) = args else {
        return;
    };
    let mut inner = MapBuilder::new(format!("the arguments of step `{id}`"));
    for (name, value) in &args.bindings {
        let node = tree.template(value);
        inner.insert(tree, &name.text, name.span, node);
    }
    let node = inner.finish(tree, args.span);
    let open = Span::new(tree.file, args.span.start, args.span.start + 1);
    map.insert(tree, key, open, node);
}

fn body_stmt(tree: &mut Tree, map: &mut MapBuilder, body: &mut Body, stmt: &StepStmt) {
    match stmt {
        StepStmt::Setting(setting) => self::setting(tree, map, setting),
        StepStmt::Step(step) => {
            body.steps_keyword.get_or_insert(step.keyword);
            body.steps.push((step_node(tree, step), step.span));
        }
        StepStmt::Invalid(invalid) => {
            if let Some(node) = placeholder_step(tree, invalid) {
                body.steps_keyword.get_or_insert(node.1);
                body.steps.push(node);
            }
        }
        StepStmt::Case(case) => {
            body.cases_keyword.get_or_insert(case.keyword);
            let mut case_map = MapBuilder::new("this case");
            let condition = match &case.condition {
                Some(condition) => tree.raw(condition),
                None => tree.doc.add_bool(false, case.keyword),
            };
            case_map.insert(tree, "when", case.keyword, condition);
            let steps = steps_only(tree, &case.body, case.block);
            let open = Span::new(tree.file, case.block.start, case.block.start + 1);
            case_map.insert(tree, "steps", open, steps);
            let node = case_map.finish(tree, case.keyword.to(case.block));
            body.cases.push((node, case.keyword.to(case.block)));
        }
        StepStmt::Default(default) => {
            let steps = steps_only(tree, &default.body, default.block);
            map.insert(tree, "default", default.keyword, steps);
        }
        StepStmt::Signature(signature) => {
            let node = match &signature.def {
                super::ast::InlineSignatureDef::Ref(value) => tree.value(value),
                super::ast::InlineSignatureDef::Def(def) => {
                    signature_node(tree, def, signature.docs.as_ref(), signature.keyword)
                }
            };
            map.insert(tree, "signature", signature.keyword, node);
        }
        StepStmt::Pipeline(item) => {
            if let ItemKind::Pipeline(decl) = &item.kind {
                let items = decl.body.as_deref().unwrap_or_default();
                let node = pipeline(tree, items, Some((decl, item.docs.as_ref())), item.span);
                map.insert(tree, "pipeline", decl.keyword, node);
            }
        }
        StepStmt::Message(message) => {
            let mut entry = MapBuilder::new("this message");
            let role = tree.ident(&message.role);
            entry.insert(tree, "role", message.role.span, role);
            let mut span = message.role.span;
            if let Some(content) = &message.content {
                span = span.to(content.span());
                let node = tree.template(content);
                entry.insert(tree, "content", content.span(), node);
            }
            let node = entry.finish(tree, span);
            body.messages.push((node, span));
        }
        StepStmt::Op(op) => {
            if let Some(node) = operation(tree, op) {
                body.ops.push(node);
            }
        }
    }
}

/// A setting of a step's block, as the key it names.
fn setting(tree: &mut Tree, map: &mut MapBuilder, setting: &Setting) {
    let key = setting.key.text.as_str();
    if key == "with" || key == "vars" {
        tree.diagnostics.push(
            Diagnostic::new(
                Code::P0024,
                setting.key.span,
                format!("`{key}` cannot be set in a step's block"),
            )
            .with_primary_label("values are bound on the step's line")
            .with_help(if key == "with" {
                "bind them after the signature or file: `step analyze = predict analyze(code = inputs.code)`"
            } else {
                "bind them on the step's line: `step init = set(attempt = 1)`"
            }),
        );
        return;
    }
    let node = match &setting.value {
        Some(value) if TEMPLATE_KEYS.contains(&key) => tree.template(value),
        Some(Value::List(..)) | None => tree.setting_value(setting),
        Some(value) if LIST_KEYS.contains(&key) => {
            let item = tree.value(value);
            tree.doc.add_seq(vec![item], value.span())
        }
        Some(_) => tree.setting_value(setting),
    };
    map.insert(tree, key, setting.key.span, node);
}

/// The steps of a case or a default; other statements do not belong there (P0024).
fn steps_only(tree: &mut Tree, stmts: &[StepStmt], block: Span) -> NodeId {
    let mut steps = Vec::new();
    for stmt in stmts {
        match stmt {
            StepStmt::Step(step) => steps.push((step_node(tree, step), step.span)),
            StepStmt::Invalid(invalid) => steps.extend(placeholder_step(tree, invalid)),
            other => {
                let span = stmt_span(other).unwrap_or(block);
                tree.diagnostics.push(
                    Diagnostic::new(Code::P0024, span, "only steps can appear in a case")
                        .with_primary_label("not a step")
                        .with_help("settings of the branch go in the branch step's own block, outside its cases"),
                );
            }
        }
    }
    if steps.is_empty() {
        // An empty list, so the native lowering reports the empty case (P0112).
        return tree.doc.add_seq(Vec::new(), block);
    }
    tree.seq(steps).0
}

/// Where a statement's leading keyword is.
fn stmt_span(stmt: &StepStmt) -> Option<Span> {
    Some(match stmt {
        StepStmt::Setting(setting) => setting.key.span,
        StepStmt::Case(case) => case.keyword,
        StepStmt::Default(default) => default.keyword,
        StepStmt::Signature(signature) => signature.keyword,
        StepStmt::Pipeline(item) => item.span,
        StepStmt::Message(message) => message.role.span,
        StepStmt::Op(op) => op.name.span,
        StepStmt::Step(step) => step.keyword,
        StepStmt::Invalid(invalid) => invalid.span,
    })
}

/// A transform operation: `{op: NAME, KEY: value, ...}`, the positional argument under the
/// key it fills for that operation.
fn operation(tree: &mut Tree, op: &Op) -> Option<(NodeId, Span)> {
    let known = OPS.iter().any(|(name, _)| *name == op.name.text);
    let mut map = MapBuilder::new(format!("this `{}` operation", op.name.text));
    let name = tree.ident(&op.name);
    map.insert(tree, "op", op.name.span, name);
    let mut span = op.name.span;
    for arg in &op.args {
        let (key, key_span, value) = match arg {
            OpArg::Named(key, value) => (key.text.as_str(), key.span, value),
            OpArg::Positional(value) => match positional_key(&op.name.text) {
                Some(key) => (key, value.span(), value),
                None => {
                    if known {
                        tree.diagnostics.push(
                            Diagnostic::new(
                                Code::P0020,
                                value.span(),
                                format!("`{}` takes no argument", op.name.text),
                            )
                            .with_primary_label("unexpected argument")
                            .with_help("remove it"),
                        );
                    }
                    continue;
                }
            },
        };
        span = span.to(value.span());
        let node = op_value(tree, key, value);
        map.insert(tree, key, key_span, node);
    }
    Some((map.finish(tree, span), span))
}

/// An operation's argument: a condition or expression for `where` and `source`, a number
/// for `count`, a word otherwise.
fn op_value(tree: &mut Tree, key: &str, value: &Value) -> NodeId {
    match value {
        Value::Raw(raw) if key == "count" => match raw.text.parse::<i64>() {
            Ok(n) => tree.doc.add_int(n, raw.span),
            Err(_) => tree.raw(raw),
        },
        other => tree.value(other),
    }
}
