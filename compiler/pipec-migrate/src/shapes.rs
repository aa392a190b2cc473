//! Result shapes: what a migrated model-calling step returns.
//!
//! pipeline_ex results are maps (`{text, success, ...}`), and pipelines read fields of them
//! (`steps.x.result`, `quality_assessment.overall_score >= 8`, `extract: issues`). A native
//! `llm` step returns `str`. The mapping:
//!
//! - a step read only as a whole (`previous_response` without `extract`, `steps.x.result`,
//!   `steps.x.text`) or through `success` stays an `llm` step: its result is the text;
//! - a step whose fields are read becomes a `predict` step with the signature
//!   `prompt: str -> FIELD: TYPE, ...`, one output per field read (in first-read order),
//!   `text: str` included when `text` is read too. A field's type comes from its uses:
//!   `dict[str, Any]` when fields below it are read, `float` when it is compared or computed
//!   as a number, `bool` when tested for truth, `str` otherwise;
//! - a step iterated as a whole (a for_loop's `data_source`, a data_transform's
//!   `input_source`) gets an output `items: list`, and one compared or computed with as a
//!   number (`score > 7`) an output `value: float`, which those reads use;
//! - gemini_instructor, whose pipeline_ex output is always `{text, analysis, summary}`,
//!   is a `predict` step with those three outputs (plus any other field read).
//!
//! `success` is no field: it becomes `steps.x != null` (see `resolve.rs`).

use pipec_syntax::expr::Segment;

use crate::refs::Use;

/// The output that holds a model-calling step's whole result when the pipeline iterates
/// over it (`data_source: ask`: `items`) or compares or computes with it as a number
/// (`score > 7`: `value`); `None` for other reads.
pub(crate) fn whole_field(rest: &[Segment], usage: Use) -> Option<&'static str> {
    match (rest.is_empty(), usage) {
        (true, Use::List) => Some("items"),
        (true, Use::Numeric) => Some("value"),
        _ => None,
    }
}

/// What a model-calling step returns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// `llm`: text.
    Text,
    /// `predict`: these output fields and their type strings.
    Fields(Vec<(String, String)>),
}

/// The path after a step with pipeline_ex's `result` wrapper removed: `steps.x.result.y`
/// looks in the result, then inside its `result` key, so both mean `y`.
pub(crate) fn unwrap_result(rest: &[Segment]) -> &[Segment] {
    match rest.first() {
        Some(Segment::Field(id)) if id.name == "result" => &rest[1..],
        _ => rest,
    }
}

/// Whether a path reads pipeline_ex's `success` flag.
pub(crate) fn is_success(rest: &[Segment]) -> bool {
    matches!(rest, [Segment::Field(id)] if id.name == "success")
}

/// Whether a path reads the whole result or its `text`.
pub(crate) fn is_text(rest: &[Segment]) -> bool {
    match rest {
        [] => true,
        [Segment::Field(id)] => id.name == "text",
        _ => false,
    }
}

/// Choose the shape of a model-calling step from how it is read.
pub(crate) fn choose(reads: &[(Vec<Segment>, Use)], instructor: bool) -> Shape {
    let mut fields: Vec<(String, Use, bool)> = Vec::new();
    let mut text = false;
    if instructor {
        for name in ["text", "analysis", "summary"] {
            fields.push((name.to_owned(), Use::Other, false));
        }
    }
    for (rest, usage) in reads {
        let rest = unwrap_result(rest);
        if is_success(rest) {
            continue;
        }
        if let Some(name) = whole_field(rest, *usage) {
            // Iterated or computed with as a whole: the value is an output of its own.
            if !fields.iter().any(|(n, _, _)| n == name) {
                fields.push((name.to_owned(), *usage, false));
            }
            continue;
        }
        if is_text(rest) {
            text |= !rest.is_empty();
            continue;
        }
        let Some(Segment::Field(first)) = rest.first() else {
            continue;
        };
        let deeper = rest.len() > 1;
        match fields.iter_mut().find(|(n, _, _)| *n == first.name) {
            Some(field) => {
                field.1 = field.1.max(*usage);
                field.2 |= deeper;
            }
            None => fields.push((first.name.clone(), *usage, deeper)),
        }
    }
    if fields.is_empty() {
        return Shape::Text;
    }
    if text && !fields.iter().any(|(n, _, _)| n == "text") {
        fields.insert(0, ("text".to_owned(), Use::Other, false));
    }
    Shape::Fields(
        fields
            .into_iter()
            .map(|(name, usage, deeper)| (name, type_string(usage, deeper).to_owned()))
            .collect(),
    )
}

/// The type of a value used as `usage`, with fields read below it when `deeper`.
pub(crate) fn type_string(usage: Use, deeper: bool) -> &'static str {
    if deeper {
        return "dict[str, Any]";
    }
    match usage {
        Use::Numeric => "float",
        Use::Truthy => "bool",
        Use::List => "list",
        Use::Other => "str",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refs::field;

    fn read(path: &[&str], usage: Use) -> (Vec<Segment>, Use) {
        (path.iter().map(|p| field(p)).collect(), usage)
    }

    #[test]
    fn whole_text_and_success_reads_keep_an_llm_step() {
        let reads = [
            read(&[], Use::Other),
            read(&["result"], Use::Other),
            read(&["text"], Use::Other),
            read(&["success"], Use::Truthy),
        ];
        assert_eq!(choose(&reads, false), Shape::Text);
    }

    #[test]
    fn field_reads_become_typed_outputs_in_first_read_order() {
        let reads = [
            read(&["overall_score"], Use::Numeric),
            read(&["result", "issues"], Use::Other),
            read(&["testing", "coverage"], Use::Other),
            read(&["ready"], Use::Truthy),
            read(&["text"], Use::Other),
            read(&["issues"], Use::List),
        ];
        let Shape::Fields(fields) = choose(&reads, false) else {
            panic!("fields expected");
        };
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("text", "str"),
                ("overall_score", "float"),
                ("issues", "list"),
                ("testing", "dict[str, Any]"),
                ("ready", "bool"),
            ]
        );
    }

    #[test]
    fn gemini_instructor_always_has_its_three_outputs() {
        let Shape::Fields(fields) = choose(&[read(&["score"], Use::Numeric)], true) else {
            panic!("fields expected");
        };
        let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["text", "analysis", "summary", "score"]);
    }
}
