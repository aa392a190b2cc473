//! DSPy's own output types: `dspy.Reasoning` (a string), `dspy.Code` (a string, taken
//! out of a markdown code fence), `dspy.ToolCalls` (`{"tool_calls": [{"name", "args"}]}`,
//! a list of calls, or one call; provider-shaped `{"function": {...}}` calls too).

use super::error::LineError;
use super::{Exactness, Outcome, Validated};
use crate::kinds::{DspyKind, dspy_kind};
use crate::parse::object::Obj;
use crate::value::{Map, Value};

/// Validate `obj` as the DSPy type at `path`.
pub fn validate(path: &str, obj: &Obj) -> Outcome {
    match dspy_kind(path) {
        Some(DspyKind::Reasoning) => text_model(obj, "content", "Reasoning", |s| s.to_owned()),
        Some(DspyKind::Code) => text_model(obj, "code", "Code", filter_code),
        Some(DspyKind::ToolCalls) => tool_calls(obj),
        _ => Err(vec![LineError::new(
            "unsupported",
            format!("pipec does not parse `{path}` values"),
            obj,
        )]),
    }
}

/// A DSPy type holding one string, from a string or a dict with that key.
fn text_model(obj: &Obj, key: &str, name: &str, clean: fn(&str) -> String) -> Outcome {
    let text = match obj {
        Obj::Str(s) => Some(s.as_str()),
        Obj::Dict(entries) => entries.iter().find_map(|(k, v)| match (k, v) {
            (Obj::Str(k), Obj::Str(v)) if k == key => Some(v.as_str()),
            _ => None,
        }),
        _ => None,
    };
    match text {
        Some(text) => Ok(Validated::new(
            Value::Str(clean(text)),
            name,
            Exactness::Lax,
        )),
        None => Err(vec![LineError::new(
            "value_error",
            format!("Value error, Received invalid value for `dspy.{name}`"),
            obj,
        )]),
    }
}

/// `_filter_code`: the body of the first ```` ```lang ```` block, else of a one-line
/// ```` ```code``` ````, else the text.
#[must_use]
pub fn filter_code(code: &str) -> String {
    if let Some(start) = code.find("```") {
        let after = &code[start + 3..];
        if let Some(newline) = after.find('\n') {
            let body = &after[newline + 1..];
            if let Some(end) = body.find("```") {
                return body[..end].trim().to_owned();
            }
        }
        if let Some(end) = after.find("```") {
            return after[..end].trim().to_owned();
        }
    }
    code.to_owned()
}

fn dict_get<'o>(entries: &'o [(Obj, Obj)], key: &str) -> Option<&'o Obj> {
    entries
        .iter()
        .find(|(k, _)| matches!(k, Obj::Str(s) if s == key))
        .map(|(_, v)| v)
}

/// `_is_tool_call_dict`.
fn is_tool_call(entries: &[(Obj, Obj)]) -> bool {
    (dict_get(entries, "name").is_some()
        && (dict_get(entries, "args").is_some() || dict_get(entries, "arguments").is_some()))
        || dict_get(entries, "function").is_some()
}

fn tool_calls(obj: &Obj) -> Outcome {
    let invalid = || {
        vec![LineError::new(
            "value_error",
            "Value error, Received invalid value for `dspy.ToolCalls`",
            obj,
        )]
    };
    let calls: Vec<&Obj> = match obj {
        Obj::List(items)
            if items
                .iter()
                .all(|i| matches!(i, Obj::Dict(e) if is_tool_call(e))) =>
        {
            items.iter().collect()
        }
        Obj::Dict(entries) => match dict_get(entries, "tool_calls") {
            Some(Obj::List(items)) => items.iter().collect(),
            Some(_) => return Err(invalid()),
            None if is_tool_call(entries) => vec![obj],
            None => return Err(invalid()),
        },
        _ => return Err(invalid()),
    };
    let mut formatted = Vec::with_capacity(calls.len());
    for call in calls {
        formatted.push(Value::Object(tool_call(call).ok_or_else(invalid)?));
    }
    let mut value = Map::new();
    value.insert("tool_calls", Value::List(formatted));
    Ok(Validated::new(
        Value::Object(value),
        "ToolCalls",
        Exactness::Lax,
    ))
}

/// One call as `ToolCall.format()` writes it: `{"name", "args"}`.
fn tool_call(call: &Obj) -> Option<Map> {
    let Obj::Dict(entries) = call else {
        return None;
    };
    let (name, arguments) = match dict_get(entries, "function") {
        Some(Obj::Dict(function)) => (
            dict_get(function, "name").or_else(|| dict_get(entries, "name")),
            dict_get(function, "arguments"),
        ),
        Some(Obj::None) => (dict_get(entries, "name"), None),
        Some(_) => return None,
        None => (
            dict_get(entries, "name"),
            dict_get(entries, "args").or_else(|| dict_get(entries, "arguments")),
        ),
    };
    let Some(Obj::Str(name)) = name else {
        return None;
    };
    let args = match arguments {
        Some(Obj::Str(text)) => match crate::parse::json_repair::loads(text).ok()? {
            Value::Object(map) => Value::Object(map),
            _ => return None,
        },
        Some(Obj::Dict(_)) => arguments.map(Obj::to_json).unwrap_or(Value::Null),
        _ => Value::Object(Map::new()),
    };
    let mut out = Map::new();
    out.insert("name", Value::str(name.clone()));
    out.insert("args", args);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_fences_are_removed() {
        assert_eq!(filter_code("```python\nprint(1)\n```"), "print(1)");
        assert_eq!(filter_code("```print(1)```"), "print(1)");
        assert_eq!(filter_code("print(1)"), "print(1)");
    }
}
