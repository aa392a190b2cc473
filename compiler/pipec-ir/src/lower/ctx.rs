//! The lowering context and the small readers both dialects are built from: typed access to
//! keys with coded errors (wrong kind, missing key, unknown key with "did you mean"), and
//! parsing of templates and conditions with spans mapped into the file.

use pipec_diagnostics::{Code, Diagnostic, Diagnostics, FileId, Span, did_you_mean_help};
use pipec_syntax::expr::{Expr, ExprError, parse_expr, parse_template};
use pipec_syntax::{MapRef, NodeKind, NodeRef, ScalarMapper};

use crate::ir::{Condition, Dialect, Name, TemplateValue};

/// How to treat keys a mapping does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPolicy {
    /// Native files: an unknown key is an error (P0101).
    Error,
    /// pipeline_ex files: pipeline_ex ignores unknown keys, so pipec warns (P0102).
    Warn,
}

/// State shared by one file's lowering.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The file being lowered.
    pub file: FileId,
    /// Its full text.
    pub source: &'a str,
    /// Which dialect (decides error vs warning for expressions and unknown keys).
    pub dialect: Dialect,
    diagnostics: Diagnostics,
}

/// Where to point a diagnostic about a whole mapping (a missing key): its `kind`/`type`
/// value, else its `id`/`name` value, else its first key. Never the whole mapping, which
/// would underline a dozen lines.
#[must_use]
pub fn header_span(map: MapRef<'_>) -> Span {
    // A file's root is best named by its version key.
    if let Some((key, _)) = map.entry("pipec").or_else(|| map.entry("workflow")) {
        return key.span();
    }
    ["kind", "type", "id", "name"]
        .iter()
        .find_map(|k| map.get(k))
        .map(|n| n.span())
        .or_else(|| map.entries().next().map(|(k, _)| k.span()))
        .unwrap_or_else(|| map.span())
}

/// "expected a list, found a string" for `node`.
#[must_use]
pub fn kind_error(node: NodeRef<'_>, what: &str, expected: &str) -> Diagnostic {
    Diagnostic::new(
        Code::P0104,
        node.span(),
        format!("{what} must be {expected}"),
    )
    .with_primary_label(format!("expected {expected}, found {}", node.kind_name()))
}

impl<'a> Ctx<'a> {
    /// A context for `file` whose text is `source`.
    #[must_use]
    pub fn new(file: FileId, source: &'a str, dialect: Dialect) -> Ctx<'a> {
        Ctx {
            file,
            source,
            dialect,
            diagnostics: Diagnostics::new(),
        }
    }

    /// Record a diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Take what was recorded.
    #[must_use]
    pub fn into_diagnostics(self) -> Diagnostics {
        self.diagnostics
    }

    /// The key policy of the current dialect.
    #[must_use]
    pub fn key_policy(&self) -> KeyPolicy {
        match self.dialect {
            Dialect::Native => KeyPolicy::Error,
            Dialect::PipelineEx => KeyPolicy::Warn,
        }
    }

    /// Report every key of `map` not in `known` (P0101 or P0102 by `policy`), suggesting the
    /// nearest known key. `context` names the mapping in messages ("step `x`").
    pub fn check_keys(
        &mut self,
        map: MapRef<'_>,
        known: &[&str],
        policy: KeyPolicy,
        context: &str,
    ) {
        for (key, _) in map.entries() {
            let Some(text) = key.scalar_text() else {
                self.push(kind_error(key, "a key", "a string"));
                continue;
            };
            if known.contains(&text.as_ref()) {
                continue;
            }
            let help = did_you_mean_help(&text, known);
            let diagnostic = match policy {
                KeyPolicy::Error => Diagnostic::new(
                    Code::P0101,
                    key.span(),
                    format!("unknown key `{text}` in {context}"),
                )
                .with_primary_label("not a key of this mapping"),
                KeyPolicy::Warn => Diagnostic::new(
                    Code::P0102,
                    key.span(),
                    format!("key `{text}` in {context} is ignored by pipeline_ex"),
                )
                .with_primary_label("pipeline_ex never reads this key"),
            };
            let help = help.or_else(|| {
                (known.len() <= 12).then(|| format!("expected one of {}", quote_list(known)))
            });
            self.push(diagnostic.with_help_opt(help));
        }
    }

    /// The value of a required key, or P0103 at `map`'s first line.
    pub fn require<'d>(
        &mut self,
        map: MapRef<'d>,
        key: &str,
        context: &str,
        at: Span,
    ) -> Option<NodeRef<'d>> {
        let value = map.get(key);
        if value.is_none() {
            let at = if at == map.span() {
                header_span(map)
            } else {
                at
            };
            self.push(
                Diagnostic::new(Code::P0103, at, format!("{context} is missing `{key}`"))
                    .with_primary_label(format!("`{key}` is required here")),
            );
        }
        value
    }

    /// The node as a mapping, or P0104.
    pub fn map<'d>(&mut self, node: NodeRef<'d>, what: &str) -> Option<MapRef<'d>> {
        let map = node.as_map();
        if map.is_none() {
            self.push(kind_error(node, what, "a mapping"));
        }
        map
    }

    /// The node's items, or P0104.
    pub fn seq<'d>(&mut self, node: NodeRef<'d>, what: &str) -> Option<Vec<NodeRef<'d>>> {
        let items = node.as_seq().map(Iterator::collect);
        if items.is_none() {
            self.push(kind_error(node, what, "a list"));
        }
        items
    }

    /// The node as a string, or P0104. Numbers and booleans are *not* accepted: use
    /// [`Ctx::name`] where YAML's typing of a bare word is an accident.
    pub fn str<'d>(&mut self, node: NodeRef<'d>, what: &str) -> Option<&'d str> {
        let text = node.as_str();
        if text.is_none() {
            self.push(kind_error(node, what, "a string"));
        }
        text
    }

    /// Any scalar as a [`Name`] (`name: 42` is the name "42"), or P0104.
    pub fn name(&mut self, node: NodeRef<'_>, what: &str) -> Option<Name> {
        match node.scalar_text() {
            Some(text) => Some(Name::new(text.into_owned(), node.span())),
            None => {
                self.push(kind_error(node, what, "a string"));
                None
            }
        }
    }

    /// A non-negative integer, or P0104 / P0107.
    pub fn count(&mut self, node: NodeRef<'_>, what: &str) -> Option<u64> {
        match node.kind() {
            NodeKind::Int(i) if i >= 0 => Some(i.unsigned_abs()),
            NodeKind::Int(i) => {
                self.push(
                    Diagnostic::new(
                        Code::P0107,
                        node.span(),
                        format!("{what} must not be negative"),
                    )
                    .with_primary_label(format!("{i} is below zero")),
                );
                None
            }
            _ => {
                self.push(kind_error(node, what, "a whole number"));
                None
            }
        }
    }

    /// A non-negative number (integer or float), or P0104 / P0107.
    pub fn number(&mut self, node: NodeRef<'_>, what: &str) -> Option<f64> {
        match node.as_f64() {
            Some(v) if v >= 0.0 && v.is_finite() => Some(v),
            Some(_) => {
                self.push(
                    Diagnostic::new(
                        Code::P0107,
                        node.span(),
                        format!("{what} must be a finite number not below zero"),
                    )
                    .with_primary_label("out of range"),
                );
                None
            }
            None => {
                self.push(kind_error(node, what, "a number"));
                None
            }
        }
    }

    /// A boolean, or P0104.
    pub fn bool(&mut self, node: NodeRef<'_>, what: &str) -> Option<bool> {
        let value = node.as_bool();
        if value.is_none() {
            self.push(kind_error(node, what, "`true` or `false`"));
        }
        value
    }

    /// A string that must be one of `allowed`, or P0107 with a suggestion.
    pub fn one_of(&mut self, node: NodeRef<'_>, what: &str, allowed: &[&str]) -> Option<Name> {
        let name = self.name(node, what)?;
        if allowed.contains(&name.text.as_str()) {
            return Some(name);
        }
        let help = did_you_mean_help(&name.text, allowed)
            .unwrap_or_else(|| format!("expected one of {}", quote_list(allowed)));
        self.push(
            Diagnostic::new(
                Code::P0107,
                node.span(),
                format!("invalid {what} `{}`", name.text),
            )
            .with_primary_label(format!("not a valid {what}"))
            .with_help(help),
        );
        None
    }

    /// Parse a string node as a template. Numbers and booleans become plain text. Syntax
    /// errors in holes are P0200 (native) or P0201 warnings (pipeline_ex, which leaves such
    /// holes verbatim at run time).
    pub fn template(&mut self, node: NodeRef<'_>, what: &str) -> Option<TemplateValue> {
        let (text, style) = match node.kind() {
            NodeKind::Str(s, style) => (s, style),
            NodeKind::Int(_) | NodeKind::Float(_) | NodeKind::Bool(_) => {
                let text = node
                    .scalar_text()
                    .map(|t| t.into_owned())
                    .unwrap_or_default();
                let template = pipec_syntax::expr::Template {
                    parts: vec![pipec_syntax::expr::TemplatePart::Text(text)],
                };
                return Some(TemplateValue {
                    template,
                    span: node.span(),
                });
            }
            _ => {
                self.push(kind_error(node, what, "a string"));
                return None;
            }
        };
        let (mut template, errors) = parse_template(text);
        let mapper = ScalarMapper::new(self.source, node.span(), style, text);
        for error in errors {
            self.expr_error(&mapper, &error, true);
        }
        template.rebase_spans(&mut |r| {
            let s = mapper.map(r.start as usize..r.end as usize);
            s.start..s.end
        });
        Some(TemplateValue {
            template,
            span: node.span(),
        })
    }

    /// Parse a string node as one expression (a condition or a source path), with spans
    /// mapped into the file. A `{{ x }}` wrapper around the whole string is accepted.
    pub fn expr(&mut self, node: NodeRef<'_>, what: &str) -> Option<Expr> {
        let (text, style) = match node.kind() {
            NodeKind::Str(s, style) => (s, style),
            _ => {
                self.push(kind_error(node, what, "a string"));
                return None;
            }
        };
        let mapper = ScalarMapper::new(self.source, node.span(), style, text);
        let trimmed = text.trim();
        let parsed = if trimmed.starts_with("{{") && trimmed.ends_with("}}") && trimmed.len() >= 4 {
            let (template, errors) = parse_template(text);
            match (template.single_expr(), errors.into_iter().next()) {
                (_, Some(error)) => Err(error),
                (Some(expr), None) => Ok(expr.clone()),
                (None, None) => parse_expr(text),
            }
        } else {
            parse_expr(text)
        };
        match parsed {
            Ok(mut expr) => {
                expr.rebase_spans(&mut |r| {
                    let s = mapper.map(r.start as usize..r.end as usize);
                    s.start..s.end
                });
                Some(expr)
            }
            Err(error) => {
                self.expr_error(&mapper, &error, false);
                None
            }
        }
    }

    /// A condition: a string expression, or (pipeline_ex) a map `{and: [...]}`,
    /// `{or: [...]}`, `{not: c}`, or a list meaning "all of".
    pub fn condition(&mut self, node: NodeRef<'_>, what: &str) -> Condition {
        if let Some(items) = node.as_seq() {
            return Condition::All(
                items.map(|n| self.condition(n, what)).collect(),
                node.span(),
            );
        }
        if let Some(map) = node.as_map() {
            self.check_keys(map, &["and", "or", "not"], KeyPolicy::Error, what);
            if map.len() != 1 {
                self.push(
                    Diagnostic::new(
                        Code::P0107,
                        node.span(),
                        format!("{what} must have exactly one of `and`, `or`, `not`"),
                    )
                    .with_primary_label(format!("found {} keys", map.len())),
                );
            }
            if let Some(v) = map.get("and") {
                let items = self.seq(v, "`and`").unwrap_or_default();
                return Condition::All(
                    items.into_iter().map(|n| self.condition(n, what)).collect(),
                    node.span(),
                );
            }
            if let Some(v) = map.get("or") {
                let items = self.seq(v, "`or`").unwrap_or_default();
                return Condition::Any(
                    items.into_iter().map(|n| self.condition(n, what)).collect(),
                    node.span(),
                );
            }
            if let Some(v) = map.get("not") {
                return Condition::Not(Box::new(self.condition(v, what)), node.span());
            }
            return Condition::Invalid(node.span());
        }
        if let NodeKind::Bool(b) = node.kind() {
            let expr = Expr {
                kind: pipec_syntax::expr::ExprKind::Literal(pipec_syntax::expr::Literal::Bool(b)),
                span: node.span().start..node.span().end,
            };
            return Condition::Expr(expr);
        }
        if self.dialect == Dialect::PipelineEx && node.as_str().is_some_and(|s| s.contains("{{")) {
            return match self.template(node, what) {
                Some(t) => Condition::Template(t),
                None => Condition::Invalid(node.span()),
            };
        }
        match self.expr(node, what) {
            Some(expr) => Condition::Expr(expr),
            None => Condition::Invalid(node.span()),
        }
    }

    fn expr_error(&mut self, mapper: &ScalarMapper<'_>, error: &ExprError, in_template: bool) {
        let span = mapper.map(error.span.start as usize..error.span.end as usize);
        let (code, message) = match self.dialect {
            Dialect::Native => (Code::P0200, error.message.clone()),
            Dialect::PipelineEx => (
                Code::P0201,
                format!(
                    "pipeline_ex cannot evaluate this {}: {}",
                    if in_template {
                        "template"
                    } else {
                        "expression"
                    },
                    error.message
                ),
            ),
        };
        let mut diagnostic =
            Diagnostic::new(code, span, message).with_primary_label(error.label.clone());
        if self.dialect == Dialect::PipelineEx {
            diagnostic = diagnostic
                .with_note("pipeline_ex leaves a `{{ }}` it cannot evaluate in the text verbatim");
        }
        self.push(diagnostic);
    }
}

/// "`a`, `b` or `c`".
#[must_use]
pub fn quote_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => format!("`{one}`"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(|s| format!("`{s}`")).collect();
            format!("{} or `{last}`", init.join(", "))
        }
    }
}
