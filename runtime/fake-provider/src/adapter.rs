//! Answers in DSPy's ChatAdapter (or JSONAdapter) format, from the field list in the
//! system message (`../shared/reference/dspy.md` §3).
//!
//! The output fields are the numbered lines under `Your output fields are:`. Each field's
//! value follows its type note (`{score}        # note: the value you produce must be a
//! single float value`): bool → `True`, int → `1`, float → `0.5`, Enum and `Literal` → the
//! first option, a JSON schema (lists, dicts, records) → a value that fits it, no note (str)
//! → `example <name>`. The reply is `[[ ## name ## ]]\n<value>` blocks ending with
//! `[[ ## completed ## ]]`, or a JSON object when the prompt asks for one (JSONAdapter).

use serde_json::{Map, Value, json};

use crate::schema;

const OUTPUTS_HEADER: &str = "Your output fields are:";
const STRUCTURE_HEADER: &str = "All interactions will be structured";
const NOTE_PREFIX: &str = "        # note: the value you produce ";
const JSON_OUTPUTS: &str = "Outputs will be a JSON object with the following fields.";

/// One output field of a DSPy prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputField {
    /// Its name.
    pub name: String,
    /// Its type as DSPy renders it (`str`, `list[str]`, `Literal['a', 'b']`, `Ans`, ...).
    pub type_name: String,
    /// The rest of its note after "the value you produce ", if it has one.
    pub note: Option<String>,
}

/// The output fields declared in a DSPy system message, in order; empty when the message is
/// not a DSPy prompt.
#[must_use]
pub fn output_fields(system: &str) -> Vec<OutputField> {
    let Some(start) = system.find(OUTPUTS_HEADER) else {
        return Vec::new();
    };
    let section = &system[start + OUTPUTS_HEADER.len()..];
    let section = section
        .find(STRUCTURE_HEADER)
        .map_or(section, |end| &section[..end]);
    let json_notes = json_mode_notes(system);
    section
        .lines()
        .filter_map(field_line)
        .map(|(name, type_name)| {
            let note = chat_note(system, &name).or_else(|| {
                let text = json_notes.as_ref()?.get(&name)?.as_str()?;
                text.strip_prefix(&format!("{{{name}}}"))?
                    .strip_prefix(NOTE_PREFIX)
                    .map(str::to_owned)
            });
            OutputField {
                name,
                type_name,
                note,
            }
        })
        .collect()
}

/// Whether the prompt asks for a JSON object (DSPy's JSONAdapter).
#[must_use]
pub fn wants_json(system: &str) -> bool {
    system.contains(JSON_OUTPUTS)
}

/// The reply to a DSPy prompt, with `overrides` for some fields; `None` when `system` is
/// not a DSPy prompt (it has no `Your output fields are:` section).
#[must_use]
pub fn reply(system: &str, overrides: Option<&Map<String, Value>>, json: bool) -> Option<String> {
    if !system.contains(OUTPUTS_HEADER) {
        return None;
    }
    let fields = output_fields(system);
    let values: Vec<(String, Value)> = fields
        .iter()
        .map(|field| {
            let value = overrides
                .and_then(|overrides| overrides.get(&field.name))
                .cloned()
                .unwrap_or_else(|| value_for(field));
            (field.name.clone(), value)
        })
        .collect();
    Some(if json {
        render_json(&values)
    } else {
        render_chat(&values)
    })
}

/// `N. `name` (Type): desc` → (name, Type).
fn field_line(line: &str) -> Option<(String, String)> {
    let (number, rest) = line.split_once(". `")?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (name, rest) = rest.split_once("` (")?;
    // The type ends at the first `)` outside brackets and quotes.
    let mut depth = 0_i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (index, c) in rest.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (Some(_), '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[' | '(' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ')') if depth == 0 => return Some((name.to_owned(), rest[..index].to_owned())),
            (None, ')') => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The note on `{name}`'s placeholder line in the ChatAdapter structure block.
fn chat_note(system: &str, name: &str) -> Option<String> {
    let placeholder = format!("{{{name}}}{NOTE_PREFIX}");
    system
        .lines()
        .find_map(|line| line.strip_prefix(&placeholder))
        .map(str::to_owned)
}

/// The JSONAdapter's `{"name": "{name}<note>", ...}` block, parsed.
fn json_mode_notes(system: &str) -> Option<Map<String, Value>> {
    let start = system.find(JSON_OUTPUTS)? + JSON_OUTPUTS.len();
    let text = system[start..].trim_start();
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    match values.next()? {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// A plausible value for `field`.
fn value_for(field: &OutputField) -> Value {
    let Some(note) = &field.note else {
        return json!(format!("example {}", field.name));
    };
    if note.starts_with("must be True or False") {
        return json!(true);
    }
    if note.starts_with("must be a single int value") {
        return json!(1);
    }
    if note.starts_with("must be a single float value") {
        return json!(0.5);
    }
    let options = note
        .strip_prefix("must exactly match (no extra characters) one of: ")
        .or_else(|| note.strip_prefix("must be one of: "));
    if let Some(options) = options {
        let first = options.split("; ").next().unwrap_or_default();
        // `Literal[1, 2]` holds numbers; `Literal['1']` and Enums hold strings.
        let quoted =
            field.type_name.contains(['\'', '"']) || !field.type_name.starts_with("Literal");
        return match first.parse::<i64>() {
            Ok(number) if !quoted => json!(number),
            _ => json!(first),
        };
    }
    if let Some(text) = note.strip_prefix("must adhere to the JSON schema: ")
        && let Ok(schema) = serde_json::from_str::<Value>(text)
    {
        return schema::example(&schema, &schema);
    }
    json!(format!("example {}", field.name))
}

/// A value as DSPy expects it in a `[[ ## field ## ]]` block.
fn chat_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        other => other.to_string(),
    }
}

fn render_chat(values: &[(String, Value)]) -> String {
    let mut out = String::new();
    for (name, value) in values {
        out.push_str(&format!("[[ ## {name} ## ]]\n{}\n\n", chat_text(value)));
    }
    out.push_str("[[ ## completed ## ]]");
    out
}

fn render_json(values: &[(String, Value)]) -> String {
    let fields: Vec<String> = values
        .iter()
        .map(|(name, value)| format!("  {}: {value}", Value::String(name.clone())))
        .collect();
    if fields.is_empty() {
        return "{}".to_owned();
    }
    format!("{{\n{}\n}}", fields.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const QA: &str = "Your input fields are:\n1. `question` (str): a trivia question\n2. `ctx` (list[str]):\nYour output fields are:\n1. `answer` (str): short answer\n2. `score` (float): \n3. `label` (Literal['yes', 'no']):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## ctx ## ]]\n{ctx}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## score ## ]]\n{score}        # note: the value you produce must be a single float value\n\n[[ ## label ## ]]\n{label}        # note: the value you produce must exactly match (no extra characters) one of: yes; no\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Answer the question using the context.";

    #[test]
    fn the_dspy_doc_example() {
        let fields = output_fields(QA);
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["answer", "score", "label"]);
        assert_eq!(fields[2].type_name, "Literal['yes', 'no']");
        assert_eq!(
            reply(QA, None, false).unwrap(),
            "[[ ## answer ## ]]\nexample answer\n\n[[ ## score ## ]]\n0.5\n\n[[ ## label ## ]]\nyes\n\n[[ ## completed ## ]]"
        );
        let overrides = json!({"answer": "Paris", "score": 0.9})
            .as_object()
            .cloned();
        assert_eq!(
            reply(QA, overrides.as_ref(), true).unwrap(),
            "{\n  \"answer\": \"Paris\",\n  \"score\": 0.9,\n  \"label\": \"yes\"\n}"
        );
    }

    #[test]
    fn field_lines() {
        assert_eq!(
            field_line("1. `a` (str): x"),
            Some(("a".into(), "str".into()))
        );
        assert_eq!(
            field_line("12. `b` (Literal['x)', \"y\"]): (desc)"),
            Some(("b".into(), "Literal['x)', \"y\"]".into()))
        );
        assert_eq!(
            field_line("2. `c` (dict[str, Any]):"),
            Some(("c".into(), "dict[str, Any]".into()))
        );
        assert_eq!(
            field_line(r#"1. `y` (Literal["it's", 'both \' and "']): pick one"#),
            Some(("y".into(), r#"Literal["it's", 'both \' and "']"#.into()))
        );
        assert_eq!(field_line("Constraints: greater than 1"), None);
        assert_eq!(field_line("    Type description of X: ..."), None);
    }

    #[test]
    fn notes_give_typed_values() {
        let field = |type_name: &str, note: &str| OutputField {
            name: "f".into(),
            type_name: type_name.into(),
            note: Some(note.into()),
        };
        assert_eq!(
            value_for(&field("bool", "must be True or False")),
            json!(true)
        );
        assert_eq!(
            value_for(&field("int", "must be a single int value")),
            json!(1)
        );
        assert_eq!(
            value_for(&field("Color", "must be one of: red; blue")),
            json!("red")
        );
        assert_eq!(
            value_for(&field(
                "Literal[1, 2]",
                "must exactly match (no extra characters) one of: 1; 2"
            )),
            json!(1)
        );
        assert_eq!(
            value_for(&field(
                "list[int]",
                r#"must adhere to the JSON schema: {"type": "array", "items": {"type": "integer"}}"#
            )),
            json!([1])
        );
        assert_eq!(chat_text(&json!(true)), "True");
        assert_eq!(chat_text(&json!(["a", 1])), r#"["a",1]"#);
    }

    #[test]
    fn a_signature_without_outputs_gets_an_empty_reply() {
        let system = "Your input fields are:\n1. `q` (str):\nYour output fields are:\n\nAll interactions will be structured in the following way";
        assert_eq!(
            reply(system, None, false).as_deref(),
            Some("[[ ## completed ## ]]")
        );
        assert_eq!(reply(system, None, true).as_deref(), Some("{}"));
    }

    #[test]
    fn plain_prompts_have_no_fields() {
        assert!(output_fields("You are a helpful assistant.").is_empty());
        assert_eq!(reply("Summarise this.", None, false), None);
    }
}
