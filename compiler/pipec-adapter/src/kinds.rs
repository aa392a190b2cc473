//! DSPy's own types (`dspy.History`, `dspy.ToolCalls`, ...), which the IR keeps as
//! [`pipec_ir::ExternalType`]s by path, and what the adapters do with each.

use pipec_ir::Type;

/// The DSPy types the adapters treat specially.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DspyKind {
    /// `dspy.History`: an input expanded into earlier user/assistant turns.
    History,
    /// `dspy.ToolCalls`: described to the model, parsed from `{"tool_calls": [...]}`.
    ToolCalls,
    /// `dspy.Reasoning`: a string to the adapters (rendered `str`, no type note).
    Reasoning,
    /// `dspy.Code` (language `python`): described to the model, parsed out of a code fence.
    Code,
    /// `dspy.Code[...]`, which DSPy 3.4.1 cannot describe when written in a signature
    /// string.
    CodeWithLanguage,
    /// `dspy.Image`, `dspy.Audio`, `dspy.File`, `dspy.Tool`: values DSPy sends as
    /// content parts or native tools, which pipec's text messages do not model.
    Media,
}

/// The kind of a DSPy type path, if it is one.
#[must_use]
pub fn dspy_kind(path: &str) -> Option<DspyKind> {
    Some(match path {
        "dspy.History" => DspyKind::History,
        "dspy.ToolCalls" => DspyKind::ToolCalls,
        "dspy.Reasoning" => DspyKind::Reasoning,
        "dspy.Code" => DspyKind::Code,
        "dspy.Image" | "dspy.Audio" | "dspy.File" | "dspy.Tool" => DspyKind::Media,
        p if p.starts_with("dspy.Code[") => DspyKind::CodeWithLanguage,
        _ => return None,
    })
}

/// The kind of a type, when it is a DSPy type.
#[must_use]
pub fn kind_of(ty: &Type) -> Option<DspyKind> {
    match ty {
        Type::External(external) => dspy_kind(&external.path),
        _ => None,
    }
}

/// `ToolCalls.description()`.
pub const TOOL_CALLS_DESCRIPTION: &str = "Tool calls must be a JSON object with `tool_calls`, a list of calls. Each call must include `name` and `args`. Example: {\"tool_calls\": [{\"name\": \"search\", \"args\": {\"query\": \"cats\"}}]}";

/// `Code.description()` for the default language, `python`.
pub const CODE_DESCRIPTION: &str = "Code represented in a string, specified in the `code` field. If this is an output field, the code field should follow the markdown code block format, e.g. \n```python\n{code}\n```\nProgramming language: python";
