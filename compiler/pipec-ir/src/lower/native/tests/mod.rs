//! Tests of the native lowering: small native files through the real YAML (and JSON)
//! front-end and [`crate::lower::lower_document`], asserting on the IR shape and on the
//! code and line of every diagnostic.
//!
//! Tests that look inside expressions (conditions, `over`, outputs, template holes) depend
//! on the expression parser of `pipec_syntax::expr`; they are marked "needs the expression
//! parser".

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

mod declarations;
mod json;
mod kinds;
mod root;
mod signatures;
mod steps;

use pipec_diagnostics::{Code, Diagnostic, FileId, SourceFile, Span};

use crate::ir::{Pipeline, Step};

/// What lowering one file gave.
pub struct Out {
    pub text: String,
    pub pipeline: Option<Pipeline>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Out {
    /// `(code, line)` of every diagnostic, sorted by position.
    pub fn codes(&self) -> Vec<(Code, u32)> {
        let file = SourceFile::new("t", self.text.as_str());
        self.diagnostics
            .iter()
            .map(|d| (d.code, file.line_col(d.primary.span.start).line))
            .collect()
    }

    /// The pipeline.
    pub fn pipeline(&self) -> &Pipeline {
        self.pipeline.as_ref().expect("a pipeline")
    }

    /// The only diagnostic with this code.
    pub fn one(&self, code: Code) -> &Diagnostic {
        let hits: Vec<&Diagnostic> = self.diagnostics.iter().filter(|d| d.code == code).collect();
        assert_eq!(
            hits.len(),
            1,
            "expected one {code}, got {:#?}",
            self.diagnostics
        );
        hits[0]
    }

    /// The source text under a span.
    pub fn at(&self, span: Span) -> &str {
        &self.text[span.start as usize..span.end as usize]
    }

    /// The step with this id, at any depth.
    pub fn step(&self, id: &str) -> &Step {
        find(&self.pipeline().steps, id).unwrap_or_else(|| panic!("no step `{id}`"))
    }
}

fn find<'a>(steps: &'a [Step], id: &str) -> Option<&'a Step> {
    use crate::ir::StepKind;
    steps.iter().find_map(|s| {
        if s.id.text == id {
            return Some(s);
        }
        match &s.kind {
            StepKind::Branch { cases, default } => cases
                .iter()
                .find_map(|c| find(&c.steps, id))
                .or_else(|| find(default, id)),
            StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => find(steps, id),
            _ => None,
        }
    })
}

/// Lower YAML `text`; the YAML itself must be clean.
pub fn lower(text: &str) -> Out {
    let parsed = pipec_syntax::parse_yaml(FileId(0), text);
    assert!(
        parsed.diagnostics.is_empty(),
        "YAML problems: {:?}",
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

/// Lower YAML `text` and assert that nothing was reported.
pub fn clean(text: &str) -> Out {
    let out = lower(text);
    assert!(
        out.diagnostics.is_empty(),
        "unexpected diagnostics: {:#?}",
        out.diagnostics
            .iter()
            .map(|d| (d.code, &d.message, out.at(d.primary.span)))
            .collect::<Vec<_>>()
    );
    out
}

/// A pipeline with `steps` (YAML lines indented by two) after a minimal header.
pub fn with_steps(steps: &str) -> String {
    format!("pipec: 1\nname: t\nsteps:\n{steps}")
}
