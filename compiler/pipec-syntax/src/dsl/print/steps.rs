//! Printing steps: the step's line (its kind and what the kind takes), its argument list
//! (on one line, or one binding per line), and the statements of its block.

use pipec_diagnostics::Span;

use super::Printer;
use crate::dsl::ast::{
    Args, InlineSignatureDef, OpArg, SignatureDef, StepDecl, StepHead, StepStmt,
};

impl Printer<'_> {
    pub(super) fn step(&mut self, step: &StepDecl) {
        self.maybe_docs(step.docs.as_ref());
        let mut head = format!("step {} = {}", step.id.text, step.kind.text);
        let mut args = None;
        let mut head_end = step.kind.span;
        match &step.head {
            StepHead::Call { signature, args: a } => {
                if let Some(sig) = signature {
                    head.push(' ');
                    head.push_str(&self.value(sig));
                    head_end = sig.span();
                }
                args = a.as_ref();
            }
            StepHead::Prompt(prompt) => {
                if let Some(prompt) = prompt {
                    head.push(' ');
                    head.push_str(&self.value(prompt));
                    head_end = prompt.span();
                }
            }
            StepHead::File { path, args: a } => {
                if let Some(path) = path {
                    head.push(' ');
                    head.push_str(&self.str_lit(path));
                    head_end = path.span;
                }
                args = a.as_ref();
            }
            StepHead::Set(a) => args = a.as_ref(),
            StepHead::Input(input) => {
                if let Some(input) = input {
                    head.push(' ');
                    head.push_str(&self.raw(input));
                    head_end = input.span;
                }
            }
            StepHead::Map { var, over } => {
                if let Some((var, _)) = var {
                    head.push_str(&format!(" {} in", var.text));
                }
                if let Some(over) = over {
                    head.push(' ');
                    head.push_str(&self.raw(over));
                    head_end = over.span;
                }
            }
            StepHead::Loop(cond) => {
                if let Some((word, cond)) = cond {
                    head.push_str(&format!(" {} {}", word.text, self.raw(cond)));
                    head_end = cond.span;
                }
            }
            StepHead::Empty => {}
        }
        let has_block = !step.body.is_empty();
        let block_close = step
            .block
            .map_or(step.span.end, |b| b.end)
            .saturating_sub(1);
        let opener = if has_block { " {" } else { "" };
        let line_span = Span {
            end: args.map_or(head_end.end, |a| a.span.end),
            ..step.span
        };
        match args {
            Some(args) => {
                let bindings: Vec<String> = args
                    .bindings
                    .iter()
                    .map(|(name, value)| format!("{} = {}", name.text, self.value(value)))
                    .collect();
                let one_line = format!("{head}({}){opener}", bindings.join(", "));
                if self.fits(&one_line) && !self.has_comment_in(args.span) {
                    self.line(line_span, &one_line);
                } else {
                    self.broken_args(line_span, &head, args, &bindings, opener);
                }
            }
            None => self.line(line_span, &format!("{head}{opener}")),
        }
        if has_block {
            self.depth += 1;
            self.after_open = true;
            self.body(&step.body);
            self.close(block_close, "}");
        }
    }

    /// `head(` then one binding per line, then `)`.
    fn broken_args(
        &mut self,
        span: Span,
        head: &str,
        args: &Args,
        bindings: &[String],
        opener: &str,
    ) {
        self.line(
            Span {
                end: args.span.start,
                ..span
            },
            &format!("{head}("),
        );
        self.depth += 1;
        self.after_open = true;
        for ((name, value), text) in args.bindings.iter().zip(bindings) {
            self.line(name.span.to(value.span()), &format!("{text},"));
        }
        self.close(args.span.end.saturating_sub(1), &format!("){opener}"));
        if !opener.is_empty() {
            // The block opened on the `)` line: what follows on that line belongs inside.
            self.last_end = Some(args.span.end);
        }
    }

    /// The statements of a step's block, a case or a default.
    fn body(&mut self, body: &[StepStmt]) {
        for stmt in body {
            match stmt {
                StepStmt::Setting(setting) => self.setting(setting),
                StepStmt::Step(step) => self.step(step),
                StepStmt::Case(case) => {
                    let cond = case
                        .condition
                        .as_ref()
                        .map_or(String::new(), |c| self.raw(c));
                    let span = Span {
                        end: case.block.start,
                        ..case.keyword
                    };
                    self.open(span, &format!("case {cond}"));
                    self.body(&case.body);
                    self.close(case.block.end.saturating_sub(1), "}");
                }
                StepStmt::Default(default) => {
                    self.open(default.keyword, "default");
                    self.body(&default.body);
                    self.close(default.block.end.saturating_sub(1), "}");
                }
                StepStmt::Signature(sig) => {
                    self.maybe_docs(sig.docs.as_ref());
                    match &sig.def {
                        InlineSignatureDef::Ref(value) => {
                            let text = format!("signature {}", self.value(value));
                            self.line(sig.keyword.to(value.span()), &text);
                        }
                        InlineSignatureDef::Def(SignatureDef::Text(lit)) => {
                            let text = format!("signature {}", self.str_lit(lit));
                            self.line(sig.keyword.to(lit.span), &text);
                        }
                        InlineSignatureDef::Def(SignatureDef::Fields { inputs, outputs }) => {
                            let span = sig.keyword.to(outputs.1);
                            self.signature_fields(span, "signature ", inputs, outputs);
                        }
                    }
                }
                StepStmt::Pipeline(item) => self.items(std::slice::from_ref(item)),
                StepStmt::Message(message) => {
                    let mut text = message.role.text.clone();
                    let mut span = message.role.span;
                    if let Some(content) = &message.content {
                        text.push(' ');
                        text.push_str(&self.value(content));
                        span = span.to(content.span());
                    }
                    self.line(span, &text);
                }
                StepStmt::Op(op) => {
                    let mut span = op.name.span;
                    let args: Vec<String> = op
                        .args
                        .iter()
                        .map(|arg| match arg {
                            OpArg::Positional(v) => {
                                span = span.to(v.span());
                                self.value(v)
                            }
                            OpArg::Named(k, v) => {
                                span = span.to(v.span());
                                format!("{} = {}", k.text, self.value(v))
                            }
                        })
                        .collect();
                    let text = if args.is_empty() {
                        op.name.text.clone()
                    } else {
                        format!("{} {}", op.name.text, args.join(", "))
                    };
                    self.line(span, &text);
                }
                StepStmt::Invalid(invalid) => {
                    self.verbatim.push(invalid.span);
                    let text = self.text(invalid.span).trim().to_owned();
                    self.line(invalid.span, &text);
                }
            }
        }
    }
}
