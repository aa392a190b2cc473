//! The registry of stable diagnostic codes.
//!
//! A code is `P` plus four digits grouped by phase: P00xx input and syntax (P0020–P0039 for
//! the DSL), P01xx structure, P02xx names and expressions, P03xx cycles, P04xx types, P05xx
//! resource limits, P06xx lints, P07xx run time (what `pipec run` reports; no `pipec check`
//! can trigger these), P08xx the tools that rewrite files: P0800–P0809 `pipec convert`,
//! P0810–P0829 `pipec migrate` (what a pipeline_ex file cannot carry into the native
//! format), P0830–P0849 the DSPy back-end and `pipec import-dspy`, P0850–P0869 the Rust
//! back-end, P0870–P0879 the proc-macros.
//! Codes are never reused or renumbered. Each has a kebab-case name, a fixed severity and a
//! documentation page in `docs/PXXXX.md` (sections: what it means, why, example, how to fix),
//! which `pipec explain` prints. A test fails when a page is missing a section, and the
//! checker's fixture test fails when a code has no fixture that triggers it.

use crate::diagnostic::Severity;

/// Static facts about one code.
#[derive(Debug)]
pub struct CodeInfo {
    /// `P0123`.
    pub id: &'static str,
    /// `kebab-case` name.
    pub name: &'static str,
    /// Fixed severity.
    pub severity: Severity,
    /// Markdown documentation.
    pub docs: &'static str,
}

macro_rules! codes {
    ($($id:ident $name:literal $sev:ident;)*) => {
        /// A stable diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[allow(missing_docs, reason = "each variant is documented by its docs/PXXXX.md page")]
        pub enum Code { $($id,)* }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$id,)*];

            /// The static facts about this code.
            #[must_use]
            pub fn info(self) -> &'static CodeInfo {
                match self {
                    $(Code::$id => &CodeInfo {
                        id: stringify!($id),
                        name: $name,
                        severity: Severity::$sev,
                        docs: include_str!(concat!("../docs/", stringify!($id), ".md")),
                    },)*
                }
            }
        }
    };
}

codes! {
    // Input and syntax.
    P0001 "empty-file" Error;
    P0002 "invalid-utf8" Error;
    P0003 "binary-file" Error;
    P0004 "yaml-syntax" Error;
    P0005 "json-syntax" Error;
    P0006 "tab-indentation" Error;
    P0007 "nesting-too-deep" Error;
    P0008 "alias-expansion-limit" Error;
    P0009 "duplicate-key" Error;
    P0010 "file-too-large" Error;
    P0011 "multiple-documents" Error;
    // Syntax of the pipec DSL (`.pipe` files).
    P0020 "dsl-syntax" Error;
    P0021 "unclosed-delimiter" Error;
    P0022 "unmatched-delimiter" Error;
    P0023 "unknown-declaration" Error;
    P0024 "misplaced-statement" Error;
    P0025 "declared-twice" Error;
    P0026 "missing-pipeline-declaration" Error;
    P0027 "dangling-doc-comment" Warning;
    // Structure.
    P0100 "not-a-pipeline" Error;
    P0101 "unknown-key" Error;
    P0102 "ignored-key" Warning;
    P0103 "missing-key" Error;
    P0104 "wrong-kind" Error;
    P0105 "duplicate-step-id" Error;
    P0106 "unknown-step-type" Error;
    P0107 "invalid-value" Error;
    P0108 "string-prompt" Warning;
    P0109 "documented-only-key" Warning;
    P0110 "key-without-effect" Warning;
    P0111 "unsupported-format-version" Error;
    P0112 "empty-steps" Error;
    P0113 "invalid-signature" Error;
    P0114 "unknown-type" Error;
    P0115 "unimplemented-step-type" Error;
    P0116 "step-not-allowed-here" Warning;
    P0117 "duplicate-name" Error;
    // Demos on predict-like steps (the DSPy back-end's few-shot examples).
    P0118 "unknown-demo-field" Error;
    P0119 "incomplete-demo" Warning;
    // Names and expressions.
    P0200 "expression-syntax" Error;
    P0201 "unsupported-template" Warning;
    P0202 "unknown-step" Error;
    P0203 "forward-reference" Error;
    P0204 "unknown-input" Error;
    P0205 "unknown-field" Error;
    P0206 "unknown-variable" Error;
    P0207 "unresolved-template" Warning;
    P0208 "unknown-function" Error;
    P0209 "steps-prefix-in-condition" Warning;
    P0210 "unknown-model" Error;
    P0211 "unknown-signature" Error;
    P0212 "missing-pipeline-file" Error;
    // Cycles.
    P0300 "step-cycle" Error;
    P0301 "pipeline-file-cycle" Error;
    // Types.
    P0400 "type-mismatch" Error;
    P0401 "not-iterable" Error;
    P0402 "missing-signature-input" Error;
    P0403 "unknown-signature-input" Error;
    // Resource limits.
    P0500 "unbounded-loop" Error;
    P0501 "unbounded-fan-out" Error;
    P0502 "llm-call-limit" Error;
    P0503 "cost-limit" Error;
    P0504 "token-limit" Error;
    P0505 "time-limit" Error;
    P0506 "nesting-depth-limit" Error;
    P0507 "unpriced-model" Warning;
    P0508 "unchecked-limit" Warning;
    // Lints.
    P0600 "unused-step" Warning;
    P0601 "unused-input" Warning;
    P0602 "unreachable-branch" Warning;
    // Run time (`pipec run`, `pipec replay`).
    P0700 "invalid-run-input" Error;
    P0701 "missing-run-input" Error;
    P0702 "unknown-run-input" Error;
    P0703 "missing-api-key" Error;
    P0704 "provider-unreachable" Error;
    P0705 "provider-failed" Error;
    P0706 "unparseable-reply" Error;
    P0707 "run-limit-exceeded" Error;
    P0708 "run-timeout" Error;
    P0709 "step-timeout" Error;
    P0710 "evaluation-failed" Error;
    P0711 "not-runnable" Error;
    P0712 "no-model" Error;
    P0713 "unknown-run" Error;
    P0714 "pipeline-changed" Error;
    P0715 "checkpoint-failed" Error;
    P0716 "run-value-mismatch" Error;
    P0717 "run-cancelled" Error;
    P0718 "not-a-predict-step" Error;
    P0719 "invalid-prompt-input" Error;
    P0720 "cannot-format-prompt" Error;
    // Running pipeline_ex (`workflow:`) files.
    P0721 "unsupported-option" Warning;
    P0722 "path-outside-workspace" Error;
    P0723 "file-operation-failed" Error;
    P0724 "pipeline-ex-step-failed" Error;
    // `pipec convert` (P0800–P0809).
    P0800 "convert-pipeline-ex" Error;
    // `pipec migrate`: what a pipeline_ex workflow cannot carry into the native format
    // (P0810 refuses a file that is not pipeline_ex; the rest are warnings).
    P0810 "not-a-pipeline-ex-file" Error;
    P0811 "claude-sdk-option-dropped" Warning;
    P0812 "file-ops-dropped" Warning;
    P0813 "default-bound-made-explicit" Warning;
    P0814 "success-flag-rewritten" Warning;
    P0815 "variable-became-input" Warning;
    P0816 "expression-dropped" Warning;
    P0817 "loop-variable-now-visible" Warning;
    P0818 "step-option-dropped" Warning;
    P0819 "workflow-setting-dropped" Warning;
    P0820 "callee-still-pipeline-ex" Warning;
    P0821 "reference-to-nothing" Warning;
    P0822 "file-part-became-input" Warning;
    P0823 "condition-now-re-evaluated" Warning;
    P0824 "ignored-assignment-carried" Warning;
    P0825 "step-renamed" Warning;
    P0826 "empty-step-dropped" Warning;
    P0827 "body-variable-out-of-scope" Warning;
    // The DSPy back-end: demo values, `eval:`, `pipec build --target dspy`, `pipec import-dspy`.
    P0830 "demo-value-type" Error;
    P0831 "unknown-eval-reference" Error;
    P0832 "cannot-build-for-dspy" Error;
    P0833 "saved-dspy-version" Error;
    P0834 "saved-key-mismatch" Error;
    P0835 "saved-field-count" Error;
    P0836 "saved-field-order" Error;
    P0837 "invalid-saved-program" Error;
    P0838 "cannot-import-into" Error;
    // The Rust back-end (`pipec build`) and the binaries it generates: P0850–P0869.
    P0850 "generated-version-mismatch" Error;
    P0851 "generated-type-mismatch" Error;
    P0852 "unknown-endpoint" Error;
    // pipec-macros (`include_pipeline!` and the other compile-time macros): P0870–P0879.
    P0870 "included-file-unreadable" Error;
}

impl Code {
    /// `P0123`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        self.info().id
    }

    /// The kebab-case name.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The fixed severity.
    #[must_use]
    pub fn severity(self) -> Severity {
        self.info().severity
    }

    /// Look a code up by its id (`P0123`, case-insensitive) or its kebab-case name.
    #[must_use]
    pub fn parse(text: &str) -> Option<Code> {
        let text = text.trim();
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text) || c.name() == text)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_documented_with_all_sections() {
        for code in Code::ALL {
            let docs = code.info().docs;
            let title = format!("# {} {}", code.as_str(), code.name());
            assert!(
                docs.starts_with(&title),
                "{code}: docs must start with `{title}`"
            );
            for section in ["## What it means", "## Why", "## Example", "## How to fix"] {
                assert!(docs.contains(section), "{code}: docs lack `{section}`");
            }
        }
    }

    #[test]
    fn ids_and_names_are_unique_and_parse_back() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(*code));
            assert_eq!(Code::parse(code.name()), Some(*code));
        }
    }
}
