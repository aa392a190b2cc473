//! The declared types a signature may name: records (pydantic models, built by DSPy users
//! with `pydantic.create_model` or a `BaseModel` class) and enums (`enum.Enum`).

use pipec_ir::Type;

use crate::signature::Constraint;
use crate::value::Value;

/// The records and enums in scope, by name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TypeDefs {
    defs: Vec<TypeDef>,
}

/// One declared type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    /// A pydantic model.
    Model(ModelDef),
    /// An `enum.Enum`.
    Enum(EnumDef),
}

/// A pydantic model: named fields with types, descriptions and defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDef {
    /// The class name.
    pub name: String,
    /// The docstring (shown, through `inspect.cleandoc`, as the schema's `description`).
    pub doc: Option<String>,
    /// The fields, in declaration order.
    pub fields: Vec<ModelField>,
}

/// A field of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelField {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// `Field(description=...)`.
    pub description: Option<String>,
    /// `Field(default=...)`: the field is then optional.
    pub default: Option<Value>,
    /// `Field(ge=..., max_length=...)`: in the schema and enforced by validation.
    pub constraints: Vec<Constraint>,
}

/// An enum: members with names and values.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// The class name.
    pub name: String,
    /// The docstring, if the class has one.
    pub doc: Option<String>,
    /// The members, in order.
    pub members: Vec<EnumMember>,
}

/// One member of an enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumMember {
    /// `RED`.
    pub name: String,
    /// `"red"`, `1`.
    pub value: Value,
}

impl TypeDefs {
    /// No declared types.
    #[must_use]
    pub fn new() -> TypeDefs {
        TypeDefs::default()
    }

    /// Declare a type (a later declaration of the same name replaces the earlier one).
    pub fn add(&mut self, def: TypeDef) {
        let name = def.name().to_owned();
        self.defs.retain(|d| d.name() != name);
        self.defs.push(def);
    }

    /// The declared names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.defs.iter().map(TypeDef::name)
    }

    /// The type declared under `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.defs.iter().find(|d| d.name() == name)
    }

    /// The model declared under `name`.
    #[must_use]
    pub fn model(&self, name: &str) -> Option<&ModelDef> {
        match self.get(name) {
            Some(TypeDef::Model(model)) => Some(model),
            _ => None,
        }
    }

    /// The enum declared under `name`.
    #[must_use]
    pub fn enumeration(&self, name: &str) -> Option<&EnumDef> {
        match self.get(name) {
            Some(TypeDef::Enum(def)) => Some(def),
            _ => None,
        }
    }
}

impl FromIterator<TypeDef> for TypeDefs {
    fn from_iter<I: IntoIterator<Item = TypeDef>>(iter: I) -> TypeDefs {
        let mut defs = TypeDefs::new();
        for def in iter {
            defs.add(def);
        }
        defs
    }
}

impl TypeDef {
    /// The class name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Model(m) => &m.name,
            TypeDef::Enum(e) => &e.name,
        }
    }
}

impl ModelField {
    /// A required field with a type and nothing else.
    #[must_use]
    pub fn new(name: impl Into<String>, ty: Type) -> ModelField {
        ModelField {
            name: name.into(),
            ty,
            description: None,
            default: None,
            constraints: Vec::new(),
        }
    }
}
