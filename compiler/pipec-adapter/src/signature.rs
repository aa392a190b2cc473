//! What the adapter formats and parses against: a DSPy signature as plain data
//! ([`Signature`], [`FieldSpec`], [`Constraint`]). Build it by hand, from the IR
//! ([`crate::from_ir`]), or from DSPy type strings ([`parse_type`]).

use pipec_ir::Type;
use pipec_ir::dspy::instructions::{default_instructions, instructions};
use pipec_ir::dspy::parse_type_expression;

use crate::custom_types::TypeDefs;
use crate::value::Value;

/// A DSPy signature: instructions and ordered input and output fields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Signature {
    /// The instructions as given; `None` (or empty) means DSPy's default
    /// ``Given the fields `a`, produce the fields `b`.``. DSPy cleans them with
    /// `inspect.cleandoc` ([`Signature::effective_instructions`]).
    pub instructions: Option<String>,
    /// Input fields, in order.
    pub inputs: Vec<FieldSpec>,
    /// Output fields, in order.
    pub outputs: Vec<FieldSpec>,
}

/// One field of a signature.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    /// Its name.
    pub name: String,
    /// Its type; an untyped DSPy field is [`Type::Str`].
    pub ty: Type,
    /// Its description; `None` is DSPy's "no description" (`desc="${name}"`).
    pub desc: Option<String>,
    /// pydantic constraints, in the order given: shown to the model in a `Constraints:`
    /// line, never enforced by DSPy's adapters.
    pub constraints: Vec<Constraint>,
    /// The default an output takes when the completion lacks it.
    pub default: Option<Value>,
}

impl FieldSpec {
    /// A field with a type and nothing else.
    #[must_use]
    pub fn new(name: impl Into<String>, ty: Type) -> FieldSpec {
        FieldSpec {
            name: name.into(),
            ty,
            desc: None,
            constraints: Vec::new(),
            default: None,
        }
    }

    /// The same field with a description.
    #[must_use]
    pub fn with_desc(mut self, desc: impl Into<String>) -> FieldSpec {
        self.desc = Some(desc.into());
        self
    }

    /// The description DSPy shows: empty when none was given (DSPy stores `${name}` and
    /// hides exactly that text).
    #[must_use]
    pub fn shown_desc(&self) -> &str {
        match &self.desc {
            Some(desc) if *desc != format!("${{{}}}", self.name) => desc,
            _ => "",
        }
    }
}

/// A pydantic field constraint (`ge=0`, `max_length=500`).
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    /// Which one.
    pub kind: ConstraintKind,
    /// Its bound (an int or a float, printed as Python prints it).
    pub value: Value,
}

/// The constraints DSPy describes to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintKind {
    /// `gt`.
    Gt,
    /// `ge`.
    Ge,
    /// `lt`.
    Lt,
    /// `le`.
    Le,
    /// `min_length`.
    MinLength,
    /// `max_length`.
    MaxLength,
    /// `multiple_of`.
    MultipleOf,
}

impl ConstraintKind {
    /// The keyword (`ge`, `min_length`, ...).
    #[must_use]
    pub fn keyword(self) -> &'static str {
        match self {
            ConstraintKind::Gt => "gt",
            ConstraintKind::Ge => "ge",
            ConstraintKind::Lt => "lt",
            ConstraintKind::Le => "le",
            ConstraintKind::MinLength => "min_length",
            ConstraintKind::MaxLength => "max_length",
            ConstraintKind::MultipleOf => "multiple_of",
        }
    }

    /// The constraint of a keyword.
    #[must_use]
    pub fn from_keyword(keyword: &str) -> Option<ConstraintKind> {
        [
            ConstraintKind::Gt,
            ConstraintKind::Ge,
            ConstraintKind::Lt,
            ConstraintKind::Le,
            ConstraintKind::MinLength,
            ConstraintKind::MaxLength,
            ConstraintKind::MultipleOf,
        ]
        .into_iter()
        .find(|k| k.keyword() == keyword)
    }

    /// DSPy's wording (`PYDANTIC_CONSTRAINT_MAP`).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            ConstraintKind::Gt => "greater than: ",
            ConstraintKind::Ge => "greater than or equal to: ",
            ConstraintKind::Lt => "less than: ",
            ConstraintKind::Le => "less than or equal to: ",
            ConstraintKind::MinLength => "minimum length: ",
            ConstraintKind::MaxLength => "maximum length: ",
            ConstraintKind::MultipleOf => "a multiple of the given number: ",
        }
    }
}

impl Signature {
    /// The instructions DSPy ends up with: the given text through `inspect.cleandoc`, or
    /// the default naming the fields.
    #[must_use]
    pub fn effective_instructions(&self) -> String {
        instructions(self.instructions.as_deref(), || {
            default_instructions(
                self.inputs.iter().map(|f| f.name.as_str()),
                self.outputs.iter().map(|f| f.name.as_str()),
            )
        })
    }

    /// The signature `dspy.ChainOfThought` uses: a `reasoning: str` output first, and the
    /// base signature's instructions kept (the default ones do not mention `reasoning`).
    #[must_use]
    pub fn chain_of_thought(&self) -> Signature {
        let mut outputs = vec![FieldSpec::new("reasoning", Type::Str)];
        outputs.extend(self.outputs.iter().cloned());
        Signature {
            instructions: Some(self.effective_instructions()),
            inputs: self.inputs.clone(),
            outputs,
        }
    }

    /// An input field by name.
    #[must_use]
    pub fn input(&self, name: &str) -> Option<&FieldSpec> {
        self.inputs.iter().find(|f| f.name == name)
    }

    /// An output field by name.
    #[must_use]
    pub fn output(&self, name: &str) -> Option<&FieldSpec> {
        self.outputs.iter().find(|f| f.name == name)
    }
}

/// A type written as in a DSPy signature (`list[str]`, `Optional[Answer]`,
/// `dspy.History`), with the record and enum names of `types` in scope; `None` or an
/// empty string is an untyped field, which DSPy types `str`.
///
/// # Errors
/// The reason DSPy would reject the type, as pipec's signature reader words it.
pub fn parse_type(text: Option<&str>, types: &TypeDefs) -> Result<Type, String> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(Type::Str);
    };
    let names: Vec<&str> = types.names().collect();
    let (ty, errors) = parse_type_expression(text, 0..text.len(), &names);
    match errors.into_iter().next() {
        None => Ok(ty),
        Some(error) => Err(format!("`{text}`: {}", error.message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_and_given_instructions() {
        let mut sig = Signature {
            instructions: None,
            inputs: vec![FieldSpec::new("question", Type::Str)],
            outputs: vec![FieldSpec::new("answer", Type::Str)],
        };
        assert_eq!(
            sig.effective_instructions(),
            "Given the fields `question`, produce the fields `answer`."
        );
        let cot = sig.chain_of_thought();
        assert_eq!(cot.outputs[0].name, "reasoning");
        assert_eq!(cot.effective_instructions(), sig.effective_instructions());
        sig.instructions = Some("\n   Do X.\n   Then Y.\n".into());
        assert_eq!(sig.effective_instructions(), "Do X.\nThen Y.");
    }

    #[test]
    fn hidden_descriptions() {
        let field = FieldSpec::new("out", Type::Str).with_desc("${out}");
        assert_eq!(field.shown_desc(), "");
        let other = FieldSpec::new("out", Type::Str).with_desc("${doc}");
        assert_eq!(other.shown_desc(), "${doc}");
    }

    #[test]
    fn type_strings() {
        let types = TypeDefs::default();
        assert_eq!(parse_type(None, &types), Ok(Type::Str));
        assert_eq!(
            parse_type(Some("int | None"), &types),
            Ok(Type::Optional(Box::new(Type::Int)))
        );
        assert!(parse_type(Some("Foo"), &types).is_err());
    }
}
