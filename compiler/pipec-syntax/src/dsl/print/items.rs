//! Printing declarations: the pipeline header, types, enums, signatures, models, limits,
//! defaults, inputs and outputs, the settings they hold and the fields they share.

use pipec_diagnostics::Span;

use super::Printer;
use crate::dsl::ast::{Field, Item, ItemKind, Setting, SignatureDef, Value};

impl Printer<'_> {
    /// A list of items (a file, or an inline pipeline's body).
    pub(super) fn items(&mut self, items: &[Item]) {
        let mut previous: Option<&Item> = None;
        for item in items {
            if self.sections
                && self.depth == 0
                && previous.is_some_and(|p| apart(&p.kind, &item.kind))
                && !self.out.ends_with("\n\n")
            {
                // A comment at the end of the previous line stays there; the others go
                // after the blank line, with the item they precede.
                while let (Some(c), Some(end)) = (self.comments.get(self.next), self.last_end) {
                    if c.span.start >= item.span.start || !self.same_line(end, c.span.start) {
                        break;
                    }
                    self.flush_before(c.span.start + 1);
                }
                self.out.push('\n');
                self.after_open = true;
            }
            self.item(item);
            previous = Some(item);
        }
    }

    fn item(&mut self, item: &Item) {
        match &item.kind {
            // A step holds its doc comment itself.
            ItemKind::Step(step) if step.docs.is_some() => {}
            _ => self.maybe_docs(item.docs.as_ref()),
        }
        let close = item.span.end.saturating_sub(1);
        match &item.kind {
            ItemKind::Pipeline(decl) => {
                let name = decl
                    .name
                    .as_ref()
                    .map_or(String::new(), |n| format!(" {}", n.text));
                let text = format!("pipeline{name}");
                match &decl.body {
                    Some(body) => {
                        let end = decl.name.as_ref().map_or(decl.keyword, |n| n.span);
                        self.open(head(item.span, end), &text);
                        self.items(body);
                        self.close(close, "}");
                    }
                    None => self.line(item.span, &text),
                }
            }
            ItemKind::Type(decl) => {
                self.open(
                    head(item.span, decl.name.span),
                    &format!("type {}", decl.name.text),
                );
                for field in &decl.fields {
                    self.maybe_docs(field.docs.as_ref());
                    let text = self.field(field);
                    self.line(field.span, &text);
                }
                self.close(close, "}");
            }
            ItemKind::Enum(decl) => {
                let values: Vec<String> = decl.values.iter().map(|v| self.value(v)).collect();
                let one_line = format!("enum {} {{ {} }}", decl.name.text, values.join(", "));
                if self.fits(&one_line) && !self.has_comment_in(item.span) {
                    self.line(item.span, &one_line);
                } else {
                    self.open(
                        head(item.span, decl.name.span),
                        &format!("enum {}", decl.name.text),
                    );
                    for (value, text) in decl.values.iter().zip(&values) {
                        self.line(value.span(), &format!("{text},"));
                    }
                    self.close(close, "}");
                }
            }
            ItemKind::Signature(decl) => match &decl.def {
                SignatureDef::Text(text) => {
                    let text = format!("signature {} = {}", decl.name.text, self.str_lit(text));
                    self.line(item.span, &text);
                }
                SignatureDef::Fields { inputs, outputs } => {
                    let prefix = format!("signature {}", decl.name.text);
                    self.signature_fields(item.span, &prefix, inputs, outputs);
                }
            },
            ItemKind::Model(decl) => {
                let mut text = format!("model {}", decl.name.text);
                if let Some(id) = &decl.id {
                    text.push_str(" = ");
                    text.push_str(&self.str_lit(id));
                }
                let end = decl.id.as_ref().map_or(decl.name.span, |id| id.span);
                self.settings_block(item.span, end, &text, &decl.settings);
            }
            ItemKind::Limits(decl) => {
                self.settings_block(item.span, decl.keyword, "limits", &decl.settings);
            }
            ItemKind::Defaults(decl) => {
                self.settings_block(item.span, decl.keyword, "defaults", &decl.settings);
            }
            ItemKind::Input(decl) => {
                let text = format!("input {}", self.field(&decl.field));
                self.line(item.span, &text);
            }
            ItemKind::Output(decl) => {
                let ty = decl
                    .ty
                    .as_ref()
                    .map_or(String::new(), |t| format!(": {}", self.raw(t)));
                let text = format!("output {}{ty} = {}", decl.name.text, self.raw(&decl.value));
                self.line(item.span, &text);
            }
            ItemKind::Step(step) => self.step(step),
            ItemKind::Invalid(invalid) => {
                self.verbatim.push(invalid.span);
                let text = self.text(invalid.span).trim().to_owned();
                self.line(invalid.span, &text);
            }
        }
    }

    /// `head { settings }`, or `head` alone when there are none.
    fn settings_block(&mut self, span: Span, head_end: Span, text: &str, settings: &[Setting]) {
        if settings.is_empty() && !self.has_comment_in(span) {
            self.line(span, text);
            return;
        }
        self.open(head(span, head_end), text);
        for setting in settings {
            self.setting(setting);
        }
        self.close(span.end.saturating_sub(1), "}");
    }

    /// One `key value` setting (a nested block is printed as a block).
    pub(super) fn setting(&mut self, setting: &Setting) {
        self.maybe_docs(setting.docs.as_ref());
        let key = &setting.key.text;
        match &setting.value {
            None => self.line(setting.span, key),
            Some(Value::Block(inner, block)) => match self.one_line_block(key, inner) {
                Some(text) if self.fits(&text) && !self.has_comment_in(*block) => {
                    self.line(setting.span, &text);
                }
                _ => {
                    self.open(setting.key.span, key);
                    for s in inner {
                        self.setting(s);
                    }
                    self.close(block.end.saturating_sub(1), "}");
                }
            },
            Some(value) => {
                let text = format!("{key} {}", self.setting_value(value));
                self.line(setting.span, &text);
            }
        }
    }

    /// `key { a 1; b 2 }` when every setting inside is a plain one.
    fn one_line_block(&mut self, key: &str, settings: &[Setting]) -> Option<String> {
        let mut parts = Vec::with_capacity(settings.len());
        for s in settings {
            if s.docs.is_some() {
                return None;
            }
            match &s.value {
                None => parts.push(s.key.text.clone()),
                Some(Value::Block(..)) => return None,
                Some(v) => parts.push(format!("{} {}", s.key.text, self.setting_value(v))),
            }
        }
        if parts.is_empty() {
            return None;
        }
        Some(format!("{key} {{ {} }}", parts.join("; ")))
    }

    /// A field: `name: type (constraints) = default`.
    pub(super) fn field(&mut self, field: &Field) -> String {
        let mut text = field.name.text.clone();
        if let Some(ty) = &field.ty {
            text.push_str(": ");
            text.push_str(&self.raw(ty));
        }
        if !field.constraints.is_empty() {
            let parts: Vec<String> = field
                .constraints
                .iter()
                .map(|(k, v)| format!("{} = {}", k.text, self.value(v)))
                .collect();
            text.push_str(&format!(" ({})", parts.join(", ")));
        }
        if let Some(default) = &field.default {
            text.push_str(" = ");
            text.push_str(&self.value(default));
        }
        text
    }

    /// `PREFIX(inputs) -> (outputs)` on one line when it fits and holds no comment, else
    /// one field per line. A single output goes without parentheses on one line.
    pub(super) fn signature_fields(
        &mut self,
        span: Span,
        prefix: &str,
        inputs: &(Vec<Field>, Span),
        outputs: &(Vec<Field>, Span),
    ) {
        let ins: Vec<String> = inputs.0.iter().map(|f| self.field(f)).collect();
        let outs: Vec<String> = outputs.0.iter().map(|f| self.field(f)).collect();
        let out_text = match outs.as_slice() {
            [one] => one.clone(),
            _ => format!("({})", outs.join(", ")),
        };
        let one_line = format!("{prefix}({}) -> {out_text}", ins.join(", "));
        let documented = inputs.0.iter().chain(&outputs.0).any(|f| f.docs.is_some());
        let whole = inputs.1.to(outputs.1);
        if self.fits(&one_line) && !documented && !self.has_comment_in(whole) {
            self.line(span, &one_line);
            return;
        }
        self.line(head(span, inputs.1.sub(0, 1)), &format!("{prefix}("));
        self.depth += 1;
        self.after_open = true;
        self.field_lines(&inputs.0, &ins);
        self.close(inputs.1.end.saturating_sub(1), ") -> (");
        self.depth += 1;
        self.after_open = true;
        self.field_lines(&outputs.0, &outs);
        self.close(outputs.1.end.saturating_sub(1), ")");
    }

    fn field_lines(&mut self, fields: &[Field], texts: &[String]) {
        for (field, text) in fields.iter().zip(texts) {
            self.maybe_docs(field.docs.as_ref());
            self.line(field.span, &format!("{text},"));
        }
    }
}

/// From the start of `span` to the end of `end`: a block's opening line.
fn head(span: Span, end: Span) -> Span {
    Span {
        end: end.end.max(span.start),
        ..span
    }
}

/// Whether converted output puts a blank line between two top-level items: unless both are
/// one-line items of the same kind (inputs, outputs, enums, string signatures).
fn apart(a: &ItemKind, b: &ItemKind) -> bool {
    let one_line = |k: &ItemKind| match k {
        ItemKind::Input(_) | ItemKind::Output(_) | ItemKind::Enum(_) => true,
        ItemKind::Signature(decl) => matches!(decl.def, SignatureDef::Text(_)),
        _ => false,
    };
    !(one_line(a) && one_line(b) && std::mem::discriminant(a) == std::mem::discriminant(b))
}
