//! The adapter's inputs built from a checked pipeline: a [`pipec_ir::Signature`] as a
//! [`Signature`], the pipeline's [`pipec_ir::TypeDef`]s as [`TypeDefs`], and the
//! effective signature of a predict-like step (`chain_of_thought` adds `reasoning`).
//!
//! Two choices the IR leaves open: a constraint bound is an `f64` in the IR, and DSPy
//! prints it as Python prints the number it was given, so a whole bound on an `int`
//! field, and every length bound, prints as an int (`ge: 1` → `1`), any other bound as a
//! float (`ge: 0` on a `float` field → `0.0`); and an enum value's member name is the
//! value itself, as `enum.Enum(name, [(v, v), ...])` would make it.

use pipec_ir::{Demo, Pipeline, PredictModule, SignatureRef, Step, StepKind, Type, TypeDefKind};

use crate::custom_types::{EnumDef, EnumMember, ModelDef, ModelField, TypeDef, TypeDefs};
use crate::signature::{Constraint, ConstraintKind, FieldSpec, Signature};
use crate::value::{Int, Map, Value, json};

/// A signature as the adapter reads it.
#[must_use]
pub fn signature_from_ir(signature: &pipec_ir::Signature) -> Signature {
    Signature {
        instructions: signature.instructions.clone(),
        inputs: signature.inputs.iter().map(field_spec).collect(),
        outputs: signature.outputs.iter().map(field_spec).collect(),
    }
}

fn field_spec(field: &pipec_ir::Field) -> FieldSpec {
    FieldSpec {
        name: field.name.text.clone(),
        ty: field.ty.ty.clone(),
        desc: field.desc.clone(),
        constraints: constraints(field),
        default: field.default.as_deref().map(default_value),
    }
}

/// A default's JSON text as a value (text that is not JSON stays a string).
fn default_value(text: &str) -> Value {
    json::loads(text).unwrap_or_else(|_| Value::str(text))
}

fn constraints(field: &pipec_ir::Field) -> Vec<Constraint> {
    let int_field = matches!(field.ty.ty.without_none(), Type::Int);
    field
        .constraints
        .iter()
        .filter_map(|(keyword, bound)| {
            let kind = ConstraintKind::from_keyword(keyword)?;
            let is_length = matches!(kind, ConstraintKind::MinLength | ConstraintKind::MaxLength);
            let value = match Int::from_whole_float(*bound) {
                Some(whole) if is_length || int_field => Value::Int(whole),
                _ => Value::Float(*bound),
            };
            Some(Constraint { kind, value })
        })
        .collect()
}

/// The pipeline's declared records and enums.
#[must_use]
pub fn type_defs_from_ir(defs: &[pipec_ir::TypeDef]) -> TypeDefs {
    defs.iter()
        .map(|def| match &def.kind {
            TypeDefKind::Record(fields) => TypeDef::Model(ModelDef {
                name: def.name.text.clone(),
                doc: def.desc.clone(),
                fields: fields
                    .iter()
                    .map(|f| ModelField {
                        name: f.name.text.clone(),
                        ty: f.ty.ty.clone(),
                        description: f.desc.clone(),
                        default: f.default.as_deref().map(default_value),
                        constraints: constraints(f),
                    })
                    .collect(),
            }),
            TypeDefKind::Enum(values) => TypeDef::Enum(EnumDef {
                name: def.name.text.clone(),
                doc: def.desc.clone(),
                members: values
                    .iter()
                    .map(|v| EnumMember {
                        name: v.text.clone(),
                        value: Value::str(v.text.clone()),
                    })
                    .collect(),
            }),
        })
        .collect()
}

/// A step's demos as the dicts DSPy formats (values from their JSON text; a value that is
/// not JSON stays a string). Empty for a step that is not predict-like.
#[must_use]
pub fn step_demos(step: &Step) -> Vec<Map> {
    match &step.kind {
        StepKind::Predict { demos, .. } => demo_maps(demos),
        _ => Vec::new(),
    }
}

/// Demos as dicts of field values.
#[must_use]
pub fn demo_maps(demos: &[Demo]) -> Vec<Map> {
    demos
        .iter()
        .map(|demo| {
            let mut map = Map::new();
            for value in &demo.values {
                map.insert(value.name.text.clone(), default_value(&value.json));
            }
            map
        })
        .collect()
}

/// Why a step has no adapter signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepSignatureError {
    /// The step is not `predict` or `chain_of_thought`.
    NotPredict {
        /// Its kind as written.
        kind: String,
    },
    /// A `react` step: its prompts depend on tool descriptions the IR does not hold.
    React,
    /// The step names a signature the pipeline does not declare.
    UnknownSignature(String),
}

impl std::fmt::Display for StepSignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StepSignatureError::NotPredict { kind } => {
                write!(f, "a `{kind}` step does not call a signature")
            }
            StepSignatureError::React => f.write_str(
                "the prompts of a `react` step depend on its tools' descriptions, which pipec does not know yet",
            ),
            StepSignatureError::UnknownSignature(name) => {
                write!(f, "no signature named `{name}` is declared")
            }
        }
    }
}

/// The signature a predict-like step sends: the named or inline one, with
/// `chain_of_thought`'s leading `reasoning` output.
///
/// # Errors
/// The step is not predict-like, is `react`, or names an undeclared signature.
pub fn step_signature(pipeline: &Pipeline, step: &Step) -> Result<Signature, StepSignatureError> {
    let StepKind::Predict {
        module, signature, ..
    } = &step.kind
    else {
        return Err(StepSignatureError::NotPredict {
            kind: step.type_name.text.clone(),
        });
    };
    let base = match signature {
        SignatureRef::Inline(sig) => signature_from_ir(sig),
        SignatureRef::Named(name) => pipeline
            .signature(&name.text)
            .map(signature_from_ir)
            .ok_or_else(|| StepSignatureError::UnknownSignature(name.text.clone()))?,
    };
    match module {
        PredictModule::Predict => Ok(base),
        PredictModule::ChainOfThought => Ok(base.chain_of_thought()),
        PredictModule::React { .. } => Err(StepSignatureError::React),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pipec_diagnostics::{FileId, Span};
    use pipec_ir::{Name, TypeRef};

    fn field(name: &str, ty: Type, constraints: &[(&str, f64)]) -> pipec_ir::Field {
        let span = Span::new(FileId(0), 0, 0);
        pipec_ir::Field {
            name: Name::new(name, span),
            ty: TypeRef { ty, span },
            desc: Some("d".into()),
            constraints: constraints
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect(),
            default: Some("1.5".into()),
        }
    }

    #[test]
    fn constraints_print_as_the_generated_program_would() {
        let int = field_spec(&field("k", Type::Int, &[("ge", 1.0), ("le", 10.0)]));
        assert_eq!(int.constraints[0].value, Value::int(1));
        let float = field_spec(&field(
            "p",
            Type::Float,
            &[("ge", 0.0), ("max_length", 3.0)],
        ));
        assert_eq!(float.constraints[0].value, Value::Float(0.0));
        assert_eq!(float.constraints[1].value, Value::int(3));
        assert_eq!(float.default, Some(Value::Float(1.5)));
        assert_eq!(float.desc.as_deref(), Some("d"));
    }
}
