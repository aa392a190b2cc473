//! Declarations as Python: records as pydantic models, enums as `enum.Enum` classes (the
//! type pipec's adapter models them as, so DSPy's prompts name them as `pipec prompt`
//! does), and signatures as `dspy.Signature` classes whose docstring is the instructions
//! and whose fields keep the IR's order, descriptions, constraints and defaults.

use pipec_ir::{Field, Signature, Type, TypeDef, TypeDefKind};

use crate::python::{Imports, annotation, json_literal, string};

/// Python source of the declared types. Python evaluates annotations when a class is
/// created, so a record comes after the types its fields name (declaration order
/// otherwise; DSPy reads signature annotations as objects, so they cannot be strings).
#[must_use]
pub fn types(defs: &[TypeDef], imports: &mut Imports) -> String {
    let mut out = String::new();
    for def in dependency_order(defs) {
        let name = &def.name.text;
        match &def.kind {
            TypeDefKind::Enum(values) => {
                let members: Vec<String> = values
                    .iter()
                    .map(|v| format!("({}, {})", string(&v.text), string(&v.text)))
                    .collect();
                out.push_str(&format!(
                    "{name} = enum.Enum({}, [{}])\n",
                    string(name),
                    members.join(", ")
                ));
                if let Some(desc) = &def.desc {
                    out.push_str(&format!("{name}.__doc__ = {}\n", string(desc)));
                }
                out.push_str("\n\n");
            }
            TypeDefKind::Record(fields) => {
                out.push_str(&format!("class {name}(pydantic.BaseModel):\n"));
                match &def.desc {
                    Some(desc) => out.push_str(&format!("    {}\n", string(desc))),
                    None if fields.is_empty() => out.push_str("    pass\n"),
                    None => {}
                }
                for field in fields {
                    let ty = annotation(&field.ty.ty, imports);
                    let mut args = Vec::new();
                    if let Some(default) = &field.default {
                        args.push(format!("default={}", json_literal(default)));
                    }
                    if let Some(desc) = &field.desc {
                        args.push(format!("description={}", string(desc)));
                    }
                    args.extend(constraints(field));
                    if args.is_empty() {
                        out.push_str(&format!("    {}: {ty}\n", field.name.text));
                    } else {
                        out.push_str(&format!(
                            "    {}: {ty} = pydantic.Field({})\n",
                            field.name.text,
                            args.join(", ")
                        ));
                    }
                }
                out.push_str("\n\n");
            }
        }
    }
    out
}

/// The definitions with each record after the declared types it names; a cycle keeps the
/// rest in declaration order (pipec does not model recursive records).
fn dependency_order(defs: &[TypeDef]) -> Vec<&TypeDef> {
    let mut done: Vec<&str> = Vec::with_capacity(defs.len());
    let mut order = Vec::with_capacity(defs.len());
    while order.len() < defs.len() {
        let ready = defs.iter().find(|d| {
            !done.contains(&d.name.text.as_str())
                && names_used(d).iter().all(|n| {
                    done.contains(&n.as_str())
                        || n == &d.name.text
                        || !defs.iter().any(|o| &o.name.text == n)
                })
        });
        let next = ready.or_else(|| defs.iter().find(|d| !done.contains(&d.name.text.as_str())));
        let Some(next) = next else { break };
        done.push(&next.name.text);
        order.push(next);
    }
    order
}

fn names_used(def: &TypeDef) -> Vec<String> {
    let mut names = Vec::new();
    if let TypeDefKind::Record(fields) = &def.kind {
        for field in fields {
            collect_named(&field.ty.ty, &mut names);
        }
    }
    names
}

/// Every declared type a type names.
pub fn collect_named(ty: &Type, names: &mut Vec<String>) {
    match ty {
        Type::Named(n) => names.push(n.clone()),
        Type::List(t)
        | Type::Set(t)
        | Type::FrozenSet(t)
        | Type::VarTuple(t)
        | Type::Optional(t) => {
            collect_named(t, names);
        }
        Type::Dict(k, v) => {
            collect_named(k, names);
            collect_named(v, names);
        }
        Type::Tuple(items) | Type::Generic(_, items) | Type::Union(items) => {
            items.iter().for_each(|t| collect_named(t, names));
        }
        Type::Record(fields) => fields.iter().for_each(|(_, t)| collect_named(t, names)),
        _ => {}
    }
}

/// A field's constraints as keyword arguments, printed as pipec's adapter prints them:
/// a whole bound on an `int` field and every length bound as an int, others as floats.
fn constraints(field: &Field) -> Vec<String> {
    let int_field = matches!(field.ty.ty.without_none(), Type::Int);
    field
        .constraints
        .iter()
        .map(|(keyword, bound)| {
            let is_length = keyword.ends_with("_length");
            let whole = bound.fract() == 0.0 && bound.abs() < 1e15;
            let value = if whole && (is_length || int_field) {
                format!("{}", *bound as i64)
            } else {
                crate::python::float(*bound)
            };
            format!("{keyword}={value}")
        })
        .collect()
}

/// A `dspy.Signature` class named `class_name`.
#[must_use]
pub fn signature(sig: &Signature, class_name: &str, imports: &mut Imports) -> String {
    let mut out = format!("class {class_name}(dspy.Signature):\n");
    match &sig.instructions {
        Some(text) if !text.is_empty() => out.push_str(&format!("    {}\n", string(text))),
        // Without a docstring DSPy writes its default instructions, as pipec does.
        _ => {}
    }
    if sig.inputs.is_empty() && sig.outputs.is_empty() {
        out.push_str("    pass\n");
    }
    for (fields, kind) in [(&sig.inputs, "InputField"), (&sig.outputs, "OutputField")] {
        for field in fields {
            let ty = annotation(&field.ty.ty, imports);
            let mut args = Vec::new();
            if let Some(desc) = &field.desc {
                args.push(format!("desc={}", string(desc)));
            }
            if let Some(default) = &field.default {
                args.push(format!("default={}", json_literal(default)));
            }
            args.extend(constraints(field));
            out.push_str(&format!(
                "    {}: {ty} = dspy.{kind}({})\n",
                field.name.text,
                args.join(", ")
            ));
        }
    }
    out
}
