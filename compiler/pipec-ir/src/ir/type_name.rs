//! [`Type::display`]: a type rendered exactly as DSPy 3.4.1's
//! `dspy.adapters.utils.get_annotation_name` renders the Python object DSPy builds for it.
//!
//! The rules, from that function: a class is its `__name__` (`int`, `NoneType`, `list`);
//! a generic is its origin's name and its arguments in brackets (`list[int]`,
//! `Union[int, NoneType]`, an empty argument list as `tuple[]`); `...` is `Ellipsis`.
//! Records have no DSPy form; they render as `{name: type, ...}` in diagnostics.

use super::Type;

impl Type {
    /// Render in DSPy's notation (`list[str]`, `Union[int, NoneType]`,
    /// `Literal['a', 'b']`, `tuple[int, Ellipsis]`, `History`).
    #[must_use]
    pub fn display(&self) -> String {
        match self {
            Type::Any => "Any".into(),
            Type::Str => "str".into(),
            Type::Int => "int".into(),
            Type::Float => "float".into(),
            Type::Bool => "bool".into(),
            Type::Bytes => "bytes".into(),
            Type::Complex => "complex".into(),
            Type::NoneType => "NoneType".into(),
            Type::NoneValue => "None".into(),
            Type::List(t) => generic("list", [t.as_ref()]),
            Type::Dict(k, v) => generic("dict", [k.as_ref(), v.as_ref()]),
            Type::Set(t) => generic("set", [t.as_ref()]),
            Type::FrozenSet(t) => generic("frozenset", [t.as_ref()]),
            Type::Tuple(items) => generic("tuple", items),
            Type::VarTuple(t) => format!("tuple[{}, Ellipsis]", t.display()),
            Type::Bare(c) => c.name().into(),
            Type::Generic(c, args) => generic(c.name(), args),
            Type::Optional(t) => format!("Union[{}, NoneType]", t.display()),
            Type::Union(members) => generic("Union", members),
            Type::Literal(values) => {
                let values: Vec<String> = values.iter().map(|v| v.display()).collect();
                format!("Literal[{}]", values.join(", "))
            }
            Type::Named(n) => n.clone(),
            Type::External(e) => e.name.clone(),
            Type::Record(fields) => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|(n, t)| format!("{n}: {}", t.display()))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
        }
    }
}

/// `origin[arg, arg]`.
fn generic<'t>(origin: &str, args: impl IntoIterator<Item = &'t Type>) -> String {
    let args: Vec<String> = args.into_iter().map(Type::display).collect();
    format!("{origin}[{}]", args.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Collection, LiteralValue};

    #[test]
    fn renders_as_get_annotation_name() {
        let int = || Box::new(Type::Int);
        assert_eq!(Type::Optional(int()).display(), "Union[int, NoneType]");
        assert_eq!(
            Type::Union(vec![Type::NoneType, Type::Int]).display(),
            "Union[NoneType, int]"
        );
        assert_eq!(Type::VarTuple(int()).display(), "tuple[int, Ellipsis]");
        assert_eq!(Type::Tuple(vec![]).display(), "tuple[]");
        assert_eq!(Type::Bare(Collection::List).display(), "list");
        assert_eq!(Type::Generic(Collection::List, vec![]).display(), "list[]");
        assert_eq!(
            Type::Dict(Box::new(Type::Int), int()).display(),
            "dict[int, int]"
        );
        assert_eq!(
            Type::Literal(vec![LiteralValue::Int("1".into()), LiteralValue::None]).display(),
            "Literal[1, None]"
        );
    }
}
