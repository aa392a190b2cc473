//! Reading settings: `key value` statements (a list when several values are given, a
//! nested mapping when a block follows the key), with the rule each key's value needs.

use super::ast::{Ident, Setting, Value};
use super::grammar::{Piece, Rule};
use super::keywords::{EXPR_KEYS, ROLES, TEMPLATE_KEYS};
use super::parse::Reader;
use super::scan::{Block, Stmt};
use super::values::is_value;

impl<'a> Reader<'a> {
    /// The settings of a `model`, `limits`, `defaults` or nested settings block.
    pub fn settings(&mut self, block: &Block) -> Vec<Setting> {
        let mut settings = Vec::with_capacity(block.stmts.len());
        for stmt in &block.stmts {
            if stmt.skipped {
                continue;
            }
            if let Some(setting) = self.setting(stmt, Rule::setting) {
                settings.push(setting);
            }
        }
        settings
    }

    /// One `key value` statement, read with `rule` (`setting`, `expr_setting` or
    /// `template_setting`); a block after the key is a nested settings block.
    pub fn setting(&mut self, stmt: &Stmt, rule: Rule) -> Option<Setting> {
        let piece = self.piece(stmt.span);
        let docs = self.docs(stmt);
        let fast = match rule {
            _ if !self.fast_paths => None,
            Rule::setting => super::fast::setting(&piece),
            Rule::expr_setting => {
                super::fast::raw_setting(&piece).map(|(key, raw)| (key, raw.map(Value::Raw)))
            }
            _ => None,
        };
        let (key, mut items) = match fast {
            Some((key, value)) => (key, value.into_iter().collect()),
            None => self.setting_by_pest(piece, rule)?,
        };
        self.unused_docs(docs.as_ref(), "a setting");
        let mut value = match items.len() {
            0 => None,
            1 => items.pop(),
            _ => {
                let span = items
                    .first()
                    .map(Value::span)
                    .zip(items.last().map(Value::span))
                    .map_or(stmt.span, |(a, b)| a.to(b));
                Some(Value::List(items, span))
            }
        };
        if let Some(block) = &stmt.block {
            if value.is_some() {
                self.no_block(stmt, "a setting with a value");
            } else {
                value = Some(Value::Block(self.settings(block), block.span));
            }
        }
        Some(Setting {
            key,
            value,
            docs,
            span: stmt.full_span(),
        })
    }

    fn setting_by_pest(&mut self, piece: Piece<'a>, rule: Rule) -> Option<(Ident, Vec<Value>)> {
        let help = if rule == Rule::setting {
            "settings are written `key value`, such as `max_tokens 1024`; several values are separated by commas"
        } else {
            "write the key and its value on one line, such as `when steps.check.ok`"
        };
        let pair = self.parse(piece, rule, Some(help))?;
        let mut parts = pair.into_inner();
        let mut values = self.values(piece);
        let key = values.ident(&parts.next()?);
        let items = parts.filter(is_value).map(|p| values.value(p)).collect();
        Some((key, items))
    }

    /// Which rule reads a setting with this key.
    pub fn setting_rule(key: &str) -> Rule {
        if EXPR_KEYS.contains(&key) {
            Rule::expr_setting
        } else if TEMPLATE_KEYS.contains(&key) || ROLES.contains(&key) {
            Rule::template_setting
        } else {
            Rule::setting
        }
    }
}
