//! `pipec convert`'s translation between the three forms of a native pipeline: any input
//! (YAML, JSON, `.pipe`) is parsed into its `Document` and written out as canonical YAML
//! ([`crate::emit::to_yaml_with_comments`], the source's comments kept), pretty JSON ([`crate::emit::to_json`]) or a `.pipe` file
//! ([`crate::dsl::from_document`] then [`crate::dsl::print`]). A `.pipe` file converted to
//! `.pipe` is formatted, comments kept. Pure; the caller has checked the file first (a file
//! with errors, or a pipeline_ex file, is refused before this is called). What each
//! direction keeps and loses is documented in `docs/native-format.md` ("Converting between
//! forms").

use pipec_diagnostics::FileId;

use crate::dsl::from_document::{document_to_ast, yaml_comments};
use crate::dsl::print::{format_pipe, print_converted};
use crate::emit::{SourceComment, to_json, to_yaml_with_comments};
use crate::{SourceFormat, parse};

/// The form to convert to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Native YAML.
    Yaml,
    /// Native JSON.
    Json,
    /// The DSL.
    Pipe,
}

/// The comments of `text` as YAML writes them: a YAML file's as they are, a `.pipe` file's
/// `// text` as `# text` (its doc comments are instructions and descriptions already, in
/// the document), none for JSON.
fn comments(
    file: FileId,
    text: &str,
    from: SourceFormat,
    document: &crate::Document,
) -> Vec<SourceComment> {
    let of = |span: pipec_diagnostics::Span, body: &str| SourceComment {
        span,
        text: format!("#{body}"),
    };
    let slice = |span: pipec_diagnostics::Span| {
        text.get(span.start as usize..span.end as usize)
            .unwrap_or("")
    };
    match from {
        SourceFormat::Yaml => yaml_comments(text, document)
            .into_iter()
            .map(|c| of(c.span, slice(c.span).trim_end().trim_start_matches('#')))
            .collect(),
        SourceFormat::Pipe => crate::dsl::parse_ast(file, text)
            .0
            .comments
            .into_iter()
            .filter(|c| !c.doc)
            .map(|c| of(c.span, slice(c.span).trim_end().trim_start_matches('/')))
            .collect(),
        SourceFormat::Json => Vec::new(),
    }
}

/// Convert `text` (written in `from`) to `to`; `None` when no document can be read from it.
#[must_use]
pub fn convert(file: FileId, text: &str, from: SourceFormat, to: Target) -> Option<String> {
    if from == SourceFormat::Pipe && to == Target::Pipe {
        return format_pipe(file, text).ok();
    }
    let document = parse(file, text, from).document?;
    Some(match to {
        Target::Yaml => {
            to_yaml_with_comments(&document, text, &comments(file, text, from, &document))
        }
        Target::Json => to_json(&document),
        Target::Pipe => {
            let mut ast = document_to_ast(&document);
            if from == SourceFormat::Yaml {
                ast.comments = yaml_comments(text, &document);
            }
            print_converted(&ast, text)
        }
    })
}
