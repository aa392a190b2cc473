//! Reading DSPy's recorded fixtures (`../shared/fixtures/dspy/`, see its README) into the
//! adapter's input types: signatures as data, DSPy type strings, models and enums.

#![allow(dead_code, reason = "each test binary uses part of this module")]

use std::path::PathBuf;

use pipec_adapter::value::json;
use pipec_adapter::{
    Constraint, ConstraintKind, EnumDef, EnumMember, FieldSpec, Map, ModelDef, ModelField,
    Signature, TypeDef, TypeDefs, Value, parse_type,
};

/// The cases of one fixture file.
pub fn cases(file: &str) -> Vec<Map> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/dspy")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let root = json::loads(&text).unwrap_or_else(|e| panic!("{file} is not JSON: {e:?}"));
    let cases = root
        .as_object()
        .and_then(|r| r.get("cases"))
        .and_then(Value::as_list)
        .unwrap_or_else(|| panic!("{file} has no cases"));
    cases
        .iter()
        .map(|c| c.as_object().cloned().expect("a case is an object"))
        .collect()
}

/// A string member of an object.
pub fn str_of<'m>(map: &'m Map, key: &str) -> Option<&'m str> {
    map.get(key).and_then(Value::as_str)
}

/// The case's `name`.
pub fn name(case: &Map) -> String {
    str_of(case, "name").unwrap_or("?").to_owned()
}

/// The case's declared types.
pub fn types(case: &Map) -> TypeDefs {
    let Some(list) = case.get("types").and_then(Value::as_list) else {
        return TypeDefs::new();
    };
    // Declare every name first, so that fields may use types declared after them.
    let mut names = TypeDefs::new();
    for def in list {
        let def = def.as_object().expect("type");
        let name = str_of(def, "name").expect("type name").to_owned();
        names.add(TypeDef::Enum(EnumDef {
            name,
            doc: None,
            members: Vec::new(),
        }));
    }
    list.iter()
        .map(|def| {
            let def = def.as_object().expect("type");
            let name = str_of(def, "name").expect("type name").to_owned();
            let doc = str_of(def, "doc").map(str::to_owned);
            match str_of(def, "kind") {
                Some("model") => TypeDef::Model(ModelDef {
                    name,
                    doc,
                    fields: def
                        .get("fields")
                        .and_then(Value::as_list)
                        .expect("model fields")
                        .iter()
                        .map(|f| {
                            let f = f.as_object().expect("field");
                            ModelField {
                                name: str_of(f, "name").expect("field name").to_owned(),
                                ty: parse_type(str_of(f, "type"), &names).expect("field type"),
                                description: str_of(f, "description").map(str::to_owned),
                                default: f.get("default").cloned(),
                                constraints: Vec::new(),
                            }
                        })
                        .collect(),
                }),
                _ => TypeDef::Enum(EnumDef {
                    name,
                    doc,
                    members: def
                        .get("members")
                        .and_then(Value::as_list)
                        .expect("enum members")
                        .iter()
                        .map(|m| {
                            let m = m.as_object().expect("member");
                            EnumMember {
                                name: str_of(m, "name").expect("member name").to_owned(),
                                value: m.get("value").cloned().expect("member value"),
                            }
                        })
                        .collect(),
                }),
            }
        })
        .collect()
}

/// The case's signature.
pub fn signature(case: &Map, types: &TypeDefs) -> Signature {
    let sig = case
        .get("signature")
        .and_then(Value::as_object)
        .expect("signature");
    let fields = |key: &str| -> Vec<FieldSpec> {
        sig.get(key)
            .and_then(Value::as_list)
            .expect("fields")
            .iter()
            .map(|f| {
                let f = f.as_object().expect("field");
                let name = str_of(f, "name").expect("field name");
                let ty = parse_type(str_of(f, "type"), types)
                    .unwrap_or_else(|e| panic!("field {name}: {e}"));
                let constraints = f
                    .get("constraints")
                    .and_then(Value::as_object)
                    .map(|c| {
                        c.iter()
                            .map(|(k, v)| Constraint {
                                kind: ConstraintKind::from_keyword(k).expect("constraint"),
                                value: v.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                FieldSpec {
                    name: name.to_owned(),
                    ty,
                    desc: str_of(f, "desc").map(str::to_owned),
                    constraints,
                    default: f.get("default").cloned(),
                }
            })
            .collect()
    };
    Signature {
        instructions: str_of(sig, "instructions").map(str::to_owned),
        inputs: fields("inputs"),
        outputs: fields("outputs"),
    }
}

/// A list of objects (`demos`).
pub fn objects(case: &Map, key: &str) -> Vec<Map> {
    case.get(key)
        .and_then(Value::as_list)
        .map(|l| {
            l.iter()
                .map(|d| d.as_object().cloned().expect("an object"))
                .collect()
        })
        .unwrap_or_default()
}

/// A line-by-line account of where two texts first differ.
pub fn first_difference(expected: &str, actual: &str) -> String {
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            return format!("line {}:\n  expected {e:?}\n  actual   {a:?}", i + 1);
        }
    }
    format!(
        "lengths differ: expected {} lines / {} bytes, actual {} lines / {} bytes\n  expected {expected:?}\n  actual   {actual:?}",
        expected.lines().count(),
        expected.len(),
        actual.lines().count(),
        actual.len()
    )
}
