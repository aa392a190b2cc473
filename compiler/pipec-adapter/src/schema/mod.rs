//! The JSON schema DSPy shows for an output type: pydantic 2's
//! `TypeAdapter(T).json_schema()` (validation mode), with every object's keys then sorted
//! `"type"` first and the rest alphabetically ([`order::move_type_to_front`]), printed by
//! `json.dumps(..., ensure_ascii=False)`.
//!
//! What pydantic emits, type by type, is in `Generator::schema`; models and enums go to
//! `$defs` and are referenced with `$ref` (a root model is inlined unless it refers to
//! itself), fields get a `title` unless their schema is a reference, and field
//! constraints become `minimum`, `maxLength`, ... on the constrained schema.

pub mod builtin;
pub mod order;
pub mod title;

use pipec_ir::dspy::instructions::cleandoc;
use pipec_ir::{Collection, LiteralValue, Type};

use crate::custom_types::{EnumDef, ModelDef, ModelField, TypeDef, TypeDefs};
use crate::signature::{Constraint, ConstraintKind};
use crate::value::{Int, Map, Value, json};

/// A type pydantic (or pipec) cannot render as a JSON schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaError {
    /// A named type that is not declared.
    UnknownType(String),
    /// A type pipec does not render (`dspy.Image` and other DSPy media types, an
    /// anonymous record, an `Ellipsis` literal), by its DSPy name.
    Unsupported(String),
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaError::UnknownType(name) => write!(f, "no type named `{name}` is declared"),
            SchemaError::Unsupported(name) => {
                write!(f, "pipec cannot render a JSON schema for `{name}`")
            }
        }
    }
}

/// The schema of `ty`, sorted as DSPy sorts it, as the JSON text DSPy prints.
///
/// # Errors
/// An undeclared or unsupported type anywhere inside `ty`.
pub fn schema_text(ty: &Type, types: &TypeDefs) -> Result<String, SchemaError> {
    let schema = json_schema(ty, types)?;
    Ok(json::dumps(&order::move_type_to_front(&schema)))
}

/// The schema of `ty` as pydantic generates it (keys in pydantic's order).
///
/// # Errors
/// An undeclared or unsupported type anywhere inside `ty`.
pub fn json_schema(ty: &Type, types: &TypeDefs) -> Result<Value, SchemaError> {
    let mut generator = Generator {
        types,
        defs: Map::new(),
        in_progress: Vec::new(),
        root: None,
        root_recursive: false,
    };
    let root_model = match ty {
        Type::Named(name) => match generator.lookup(name)? {
            Def::Model(model) => Some(model),
            Def::Enum(def) => return Ok(with_defs(enum_schema(&def), Map::new())),
        },
        Type::External(external) => builtin::model(&external.path),
        _ => None,
    };
    let root = match root_model {
        Some(model) => {
            let name = model.name.clone();
            generator.root = Some(name.clone());
            generator.in_progress.push(name.clone());
            let schema = generator.model_schema(&model)?;
            generator.in_progress.pop();
            if generator.root_recursive {
                generator.defs.insert(name.clone(), Value::Object(schema));
                object([("$ref", Value::str(format!("#/$defs/{name}")))])
            } else {
                schema
            }
        }
        None => generator.schema(ty)?,
    };
    Ok(with_defs(root, generator.defs))
}

/// The root schema with `$defs` added when there are any.
fn with_defs(mut root: Map, defs: Map) -> Value {
    if !defs.is_empty() {
        root.insert("$defs", Value::Object(defs));
    }
    Value::Object(root)
}
/// A declared model or enum, resolved by name.
enum Def {
    Model(ModelDef),
    Enum(EnumDef),
}

struct Generator<'t> {
    types: &'t TypeDefs,
    /// `$defs`, in the order they were first needed.
    defs: Map,
    /// Models whose schema is being generated (a reference to one is a cycle).
    in_progress: Vec<String>,
    /// The root model, generated inline unless something refers back to it.
    root: Option<String>,
    root_recursive: bool,
}

impl Generator<'_> {
    fn lookup(&self, name: &str) -> Result<Def, SchemaError> {
        match self.types.get(name) {
            Some(TypeDef::Model(model)) => Ok(Def::Model(model.clone())),
            Some(TypeDef::Enum(def)) => Ok(Def::Enum(def.clone())),
            None => Err(SchemaError::UnknownType(name.to_owned())),
        }
    }

    /// The schema of a type nested anywhere (a model or enum becomes a `$ref`).
    fn schema(&mut self, ty: &Type) -> Result<Map, SchemaError> {
        Ok(match ty {
            Type::Any => Map::new(),
            Type::Str | Type::Complex => typed("string"),
            Type::Int => typed("integer"),
            Type::Float => typed("number"),
            Type::Bool => typed("boolean"),
            Type::Bytes => {
                let mut schema = typed("string");
                schema.insert("format", Value::str("binary"));
                schema
            }
            Type::NoneType | Type::NoneValue => typed("null"),
            Type::List(item) => self.array(Some(item), false)?,
            Type::Set(item) | Type::FrozenSet(item) => self.array(Some(item), true)?,
            Type::VarTuple(item) => self.array(Some(item), false)?,
            Type::Dict(key, value) => self.dict(Some(key), Some(value))?,
            Type::Tuple(items) => self.tuple(items)?,
            Type::Bare(collection) => self.bare(*collection, &[])?,
            Type::Generic(collection, args) => self.bare(*collection, args)?,
            Type::Optional(inner) => self.nullable(std::slice::from_ref(inner.as_ref()))?,
            Type::Union(members) => self.union(members)?,
            Type::Literal(values) => literal_schema(values)?,
            Type::Named(name) => self.reference(name, None)?,
            Type::External(external) => match builtin::model(&external.path) {
                Some(model) => self.reference(&model.name.clone(), Some(model))?,
                None => return Err(SchemaError::Unsupported(ty.display())),
            },
            Type::Record(_) => return Err(SchemaError::Unsupported(ty.display())),
        })
    }

    fn array(&mut self, item: Option<&Type>, unique: bool) -> Result<Map, SchemaError> {
        let mut schema = typed("array");
        let items = match item {
            Some(item) => self.schema(item)?,
            None => Map::new(),
        };
        schema.insert("items", Value::Object(items));
        if unique {
            schema.insert("uniqueItems", Value::Bool(true));
        }
        Ok(schema)
    }

    fn dict(&mut self, key: Option<&Type>, value: Option<&Type>) -> Result<Map, SchemaError> {
        let mut schema = typed("object");
        let additional = match value {
            None | Some(Type::Any) => Value::Bool(true),
            Some(value) => Value::Object(self.schema(value)?),
        };
        schema.insert("additionalProperties", additional);
        if let Some(key) = key {
            // pydantic keeps the key schema only for what JSON keys can still be told
            // (an enum, a pattern): its `title` and `type` are dropped.
            let mut names = self.schema(key)?;
            names.remove("title");
            names.remove("type");
            if !names.is_empty() {
                schema.insert("propertyNames", Value::Object(names));
            }
        }
        Ok(schema)
    }

    fn tuple(&mut self, items: &[Type]) -> Result<Map, SchemaError> {
        let mut schema = typed("array");
        let count = Value::Int(Int::from(items.len() as u64));
        if !items.is_empty() {
            let prefix = items
                .iter()
                .map(|t| self.schema(t).map(Value::Object))
                .collect::<Result<Vec<_>, _>>()?;
            schema.insert("prefixItems", Value::List(prefix));
        }
        schema.insert("minItems", count.clone());
        schema.insert("maxItems", count);
        Ok(schema)
    }

    /// A collection without its usual arguments: pydantic reads the first argument of a
    /// list or set and the first two of a dict; a missing one is `Any`.
    fn bare(&mut self, collection: Collection, args: &[Type]) -> Result<Map, SchemaError> {
        match collection {
            Collection::List => self.array(args.first(), false),
            Collection::Set | Collection::FrozenSet => self.array(args.first(), true),
            Collection::Tuple if args.is_empty() => self.array(None, false),
            Collection::Tuple => self.tuple(args),
            Collection::Dict => self.dict(args.first(), args.get(1)),
        }
    }

    /// `Union[...]`: a union with `None` is pydantic's nullable schema of the rest.
    fn union(&mut self, members: &[Type]) -> Result<Map, SchemaError> {
        let rest: Vec<Type> = members
            .iter()
            .filter(|m| !matches!(m, Type::NoneType | Type::NoneValue))
            .cloned()
            .collect();
        if rest.len() < members.len() {
            return self.nullable(&rest);
        }
        let schemas = members
            .iter()
            .map(|m| self.schema(m))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(any_of(schemas))
    }

    fn nullable(&mut self, rest: &[Type]) -> Result<Map, SchemaError> {
        let inner = match rest {
            [] => return Ok(typed("null")),
            [one] => self.schema(one)?,
            many => self.union(many)?,
        };
        if inner == typed("null") {
            return Ok(inner);
        }
        Ok(any_of(vec![inner, typed("null")]))
    }

    /// `{"$ref": "#/$defs/Name"}`, generating the definition the first time; `builtin`
    /// is DSPy's own model of that name (`ToolCalls`), else the name is looked up.
    fn reference(&mut self, name: &str, builtin: Option<ModelDef>) -> Result<Map, SchemaError> {
        let reference = object([("$ref", Value::str(format!("#/$defs/{name}")))]);
        if self.root.as_deref() == Some(name) {
            self.root_recursive = true;
            return Ok(reference);
        }
        if self.defs.contains_key(name) || self.in_progress.iter().any(|n| n == name) {
            return Ok(reference);
        }
        let def = match builtin {
            Some(model) => Def::Model(model),
            None => self.lookup(name)?,
        };
        let schema = match def {
            Def::Enum(def) => enum_schema(&def),
            Def::Model(model) => {
                self.in_progress.push(name.to_owned());
                let schema = self.model_schema(&model);
                self.in_progress.pop();
                schema?
            }
        };
        self.defs.insert(name, Value::Object(schema));
        Ok(reference)
    }

    fn model_schema(&mut self, model: &ModelDef) -> Result<Map, SchemaError> {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for field in &model.fields {
            properties.insert(field.name.clone(), Value::Object(self.field_schema(field)?));
            if field.default.is_none() {
                required.push(Value::str(field.name.clone()));
            }
        }
        let mut schema = typed("object");
        schema.insert("properties", Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required", Value::List(required));
        }
        schema.insert("title", Value::str(model.name.clone()));
        if let Some(doc) = model.doc.as_deref().filter(|d| !d.is_empty()) {
            schema.insert("description", Value::str(cleandoc(doc)));
        }
        Ok(schema)
    }

    fn field_schema(&mut self, field: &ModelField) -> Result<Map, SchemaError> {
        let mut schema = self.schema(&field.ty)?;
        constrain(&mut schema, &field.ty, &field.constraints);
        if title_is_set(&field.ty) {
            schema.insert("title", Value::str(title::field_title(&field.name)));
        }
        if let Some(description) = &field.description {
            schema.insert("description", Value::str(description.clone()));
        }
        if let Some(default) = &field.default {
            schema.insert("default", default.clone());
        }
        Ok(schema)
    }
}

/// `{"type": name}`.
fn typed(name: &str) -> Map {
    object([("type", Value::str(name))])
}

fn object<const N: usize>(entries: [(&str, Value); N]) -> Map {
    entries
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

/// `{"anyOf": [...]}`, inlining members that are themselves only an `anyOf`.
fn any_of(schemas: Vec<Map>) -> Map {
    if schemas.len() == 1 {
        return schemas.into_iter().next().unwrap_or_default();
    }
    let mut members = Vec::new();
    for schema in schemas {
        match schema.get("anyOf") {
            Some(Value::List(inner)) if schema.len() == 1 => members.extend(inner.iter().cloned()),
            _ => members.push(Value::Object(schema)),
        }
    }
    object([("anyOf", Value::List(members))])
}

/// pydantic's `field_title_should_be_set`: no title on a field whose schema is a
/// reference to a model or enum (directly or through `Optional`).
fn title_is_set(ty: &Type) -> bool {
    match ty {
        Type::Named(_) => false,
        Type::External(external) => builtin::model(&external.path).is_none(),
        Type::Optional(inner) => title_is_set(inner),
        Type::Union(members) => {
            let rest: Vec<&Type> = members
                .iter()
                .filter(|m| !matches!(m, Type::NoneType | Type::NoneValue))
                .collect();
            match rest.as_slice() {
                [one] if rest.len() < members.len() => title_is_set(one),
                _ => true,
            }
        }
        _ => true,
    }
}

/// A field's constraints on the schema they apply to (inside `Optional`, the inner one).
fn constrain(schema: &mut Map, ty: &Type, constraints: &[Constraint]) {
    if constraints.is_empty() {
        return;
    }
    if let Type::Optional(inner) = ty {
        if let Some(Value::List(members)) = schema.get("anyOf").cloned() {
            let mut members = members;
            if let Some(Value::Object(first)) = members.first_mut() {
                constrain(first, inner, constraints);
            }
            schema.insert("anyOf", Value::List(members));
        }
        return;
    }
    for constraint in constraints {
        let key = match (constraint.kind, ty) {
            (ConstraintKind::Gt, _) => "exclusiveMinimum",
            (ConstraintKind::Ge, _) => "minimum",
            (ConstraintKind::Lt, _) => "exclusiveMaximum",
            (ConstraintKind::Le, _) => "maximum",
            (ConstraintKind::MultipleOf, _) => "multipleOf",
            (ConstraintKind::MinLength, Type::Str) => "minLength",
            (ConstraintKind::MaxLength, Type::Str) => "maxLength",
            (ConstraintKind::MinLength, Type::Dict(..)) => "minProperties",
            (ConstraintKind::MaxLength, Type::Dict(..)) => "maxProperties",
            (ConstraintKind::MinLength, _) => "minItems",
            (ConstraintKind::MaxLength, _) => "maxItems",
        };
        schema.insert(key, constraint.value.clone());
    }
}

/// `Literal[...]`: `const` for one value, `enum` for several, and a `type` when all
/// values share one JSON type.
fn literal_schema(values: &[LiteralValue]) -> Result<Map, SchemaError> {
    let jsonable = values
        .iter()
        .map(literal_json)
        .collect::<Result<Vec<_>, _>>()?;
    let mut schema = Map::new();
    if let Some(kind) = common_json_type(&jsonable) {
        schema.insert("type", Value::str(kind));
    }
    match jsonable.as_slice() {
        [one] => schema.insert("const", one.clone()),
        _ => schema.insert("enum", Value::List(jsonable)),
    }
    Ok(schema)
}

/// A literal value as `to_jsonable_python` gives it.
pub(crate) fn literal_json(value: &LiteralValue) -> Result<Value, SchemaError> {
    Ok(match value {
        LiteralValue::Str(s) => Value::str(s.clone()),
        LiteralValue::Int(digits) => Int::parse(digits).map_or(Value::Null, Value::Int),
        LiteralValue::Bool(b) => Value::Bool(*b),
        LiteralValue::None => Value::Null,
        LiteralValue::Float(f) => Value::Float(*f),
        LiteralValue::Bytes(bytes) => Value::str(String::from_utf8_lossy(bytes)),
        LiteralValue::Imaginary(_) | LiteralValue::Ellipsis => {
            return Err(SchemaError::Unsupported(format!(
                "Literal[{}]",
                value.display()
            )));
        }
    })
}

/// The JSON type all values share, as pydantic names it, if they share one.
fn common_json_type(values: &[Value]) -> Option<&'static str> {
    let kind = |v: &Value| match v {
        Value::Str(_) => Some("string"),
        Value::Int(_) => Some("integer"),
        Value::Float(_) => Some("number"),
        Value::Bool(_) => Some("boolean"),
        Value::List(_) => Some("array"),
        Value::Null => Some("null"),
        Value::Object(_) => None,
    };
    let first = kind(values.first()?)?;
    values
        .iter()
        .all(|v| kind(v) == Some(first))
        .then_some(first)
}

/// An enum's schema: its values, its name as `title`, a `type` when the values share
/// one, and its docstring as `description`.
fn enum_schema(def: &EnumDef) -> Map {
    let values: Vec<Value> = def.members.iter().map(|m| m.value.clone()).collect();
    let mut schema = Map::new();
    if let Some(kind) = common_json_type(&values).filter(|k| *k != "null") {
        schema.insert("type", Value::str(kind));
    }
    schema.insert("enum", Value::List(values));
    schema.insert("title", Value::str(def.name.clone()));
    if let Some(doc) = def.doc.as_deref().filter(|d| !d.is_empty()) {
        schema.insert("description", Value::str(cleandoc(doc)));
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::custom_types::EnumMember;
    use crate::signature::parse_type;

    fn text(ty: &str, types: &TypeDefs) -> String {
        let ty = parse_type(Some(ty), types).unwrap_or(Type::Any);
        schema_text(&ty, types).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn scalars_and_containers() {
        let none = TypeDefs::new();
        assert_eq!(text("Any", &none), "{}");
        assert_eq!(
            text("tuple[int, str]", &none),
            r#"{"type": "array", "maxItems": 2, "minItems": 2, "prefixItems": [{"type": "integer"}, {"type": "string"}]}"#
        );
        assert_eq!(
            text("tuple[()]", &none),
            r#"{"type": "array", "maxItems": 0, "minItems": 0}"#
        );
        assert_eq!(
            text("dict[str, Any]", &none),
            r#"{"type": "object", "additionalProperties": true}"#
        );
        assert_eq!(
            text("dict[Literal['a', 'b'], int]", &none),
            r#"{"type": "object", "additionalProperties": {"type": "integer"}, "propertyNames": {"enum": ["a", "b"]}}"#
        );
        assert_eq!(
            text("Union[None, int, str]", &none),
            r#"{"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]}"#
        );
        assert_eq!(text("Literal['a', 1]", &none), r#"{"enum": ["a", 1]}"#);
        assert_eq!(
            text("Literal[None]", &none),
            r#"{"type": "null", "const": null}"#
        );
        assert_eq!(
            text("bytes", &none),
            r#"{"type": "string", "format": "binary"}"#
        );
    }

    #[test]
    fn models_enums_and_recursion() {
        let mut types = TypeDefs::new();
        types.add(TypeDef::Enum(EnumDef {
            name: "E".into(),
            doc: None,
            members: vec![
                EnumMember {
                    name: "A".into(),
                    value: Value::str("a"),
                },
                EnumMember {
                    name: "B".into(),
                    value: Value::int(2),
                },
            ],
        }));
        let mut kids = ModelField::new("kids", Type::List(Box::new(Type::Named("Node".into()))));
        kids.default = Some(Value::List(Vec::new()));
        let mut maybe = ModelField::new("e", Type::Optional(Box::new(Type::Named("E".into()))));
        maybe.default = Some(Value::Null);
        types.add(TypeDef::Model(ModelDef {
            name: "Node".into(),
            doc: Some("  A node.\n   Indented.  ".into()),
            fields: vec![ModelField::new("v", Type::Int), kids, maybe],
        }));
        assert_eq!(
            text("Node", &types),
            r##"{"$defs": {"E": {"enum": ["a", 2], "title": "E"}, "Node": {"type": "object", "description": "A node.\nIndented.  ", "properties": {"e": {"anyOf": [{"$ref": "#/$defs/E"}, {"type": "null"}], "default": null}, "kids": {"type": "array", "default": [], "items": {"$ref": "#/$defs/Node"}, "title": "Kids"}, "v": {"type": "integer", "title": "V"}}, "required": ["v"], "title": "Node"}}, "$ref": "#/$defs/Node"}"##
        );
        assert_eq!(
            text("list[E]", &types),
            r##"{"type": "array", "$defs": {"E": {"enum": ["a", 2], "title": "E"}}, "items": {"$ref": "#/$defs/E"}}"##
        );
    }

    #[test]
    fn field_constraints() {
        let mut types = TypeDefs::new();
        let bound = |kind, value| Constraint { kind, value };
        let mut a = ModelField::new("a", Type::Int);
        a.constraints = vec![
            bound(ConstraintKind::Ge, Value::int(1)),
            bound(ConstraintKind::Le, Value::int(5)),
        ];
        let mut o = ModelField::new("o", Type::Optional(Box::new(Type::Int)));
        o.constraints = vec![bound(ConstraintKind::Ge, Value::int(0))];
        o.default = Some(Value::Null);
        let mut s = ModelField::new("s", Type::Str);
        s.constraints = vec![bound(ConstraintKind::MaxLength, Value::int(3))];
        types.add(TypeDef::Model(ModelDef {
            name: "M".into(),
            doc: None,
            fields: vec![a, o, s],
        }));
        assert_eq!(
            text("M", &types),
            r#"{"type": "object", "properties": {"a": {"type": "integer", "maximum": 5, "minimum": 1, "title": "A"}, "o": {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}], "default": null, "title": "O"}, "s": {"type": "string", "maxLength": 3, "title": "S"}}, "required": ["a", "s"], "title": "M"}"#
        );
    }
}
