//! An IR `Type` as the Rust expression that builds it, for macro expansions.

use pipec_ir::{Collection, LiteralValue, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// The expression `::pipec_ir::Type::...` that evaluates to `ty`.
pub fn type_tokens(ty: &Type) -> TokenStream {
    let boxed = |t: &Type| {
        let inner = type_tokens(t);
        quote!(::std::boxed::Box::new(#inner))
    };
    let list = |ts: &[Type]| {
        let items = ts.iter().map(type_tokens);
        quote!(::std::vec![#(#items),*])
    };
    match ty {
        Type::Any => quote!(::pipec_ir::Type::Any),
        Type::Str => quote!(::pipec_ir::Type::Str),
        Type::Int => quote!(::pipec_ir::Type::Int),
        Type::Float => quote!(::pipec_ir::Type::Float),
        Type::Bool => quote!(::pipec_ir::Type::Bool),
        Type::Bytes => quote!(::pipec_ir::Type::Bytes),
        Type::Complex => quote!(::pipec_ir::Type::Complex),
        Type::NoneType => quote!(::pipec_ir::Type::NoneType),
        Type::NoneValue => quote!(::pipec_ir::Type::NoneValue),
        Type::List(t) => {
            let t = boxed(t);
            quote!(::pipec_ir::Type::List(#t))
        }
        Type::Dict(k, v) => {
            let (k, v) = (boxed(k), boxed(v));
            quote!(::pipec_ir::Type::Dict(#k, #v))
        }
        Type::Set(t) => {
            let t = boxed(t);
            quote!(::pipec_ir::Type::Set(#t))
        }
        Type::FrozenSet(t) => {
            let t = boxed(t);
            quote!(::pipec_ir::Type::FrozenSet(#t))
        }
        Type::Tuple(ts) => {
            let ts = list(ts);
            quote!(::pipec_ir::Type::Tuple(#ts))
        }
        Type::VarTuple(t) => {
            let t = boxed(t);
            quote!(::pipec_ir::Type::VarTuple(#t))
        }
        Type::Bare(c) => {
            let c = collection(*c);
            quote!(::pipec_ir::Type::Bare(#c))
        }
        Type::Generic(c, ts) => {
            let (c, ts) = (collection(*c), list(ts));
            quote!(::pipec_ir::Type::Generic(#c, #ts))
        }
        Type::Optional(t) => {
            let t = boxed(t);
            quote!(::pipec_ir::Type::Optional(#t))
        }
        Type::Union(ts) => {
            let ts = list(ts);
            quote!(::pipec_ir::Type::Union(#ts))
        }
        Type::Literal(values) => {
            let values = values.iter().map(literal);
            quote!(::pipec_ir::Type::Literal(::std::vec![#(#values),*]))
        }
        Type::Named(name) => quote!(::pipec_ir::Type::Named(::std::string::String::from(#name))),
        Type::Record(fields) => {
            let fields = fields.iter().map(|(name, t)| {
                let t = type_tokens(t);
                quote!((::std::string::String::from(#name), #t))
            });
            quote!(::pipec_ir::Type::Record(::std::vec![#(#fields),*]))
        }
        Type::External(ext) => {
            let (path, name) = (&ext.path, &ext.name);
            quote!(::pipec_ir::Type::External(::pipec_ir::ExternalType {
                path: ::std::string::String::from(#path),
                name: ::std::string::String::from(#name),
            }))
        }
    }
}

fn collection(c: Collection) -> TokenStream {
    match c {
        Collection::List => quote!(::pipec_ir::Collection::List),
        Collection::Dict => quote!(::pipec_ir::Collection::Dict),
        Collection::Tuple => quote!(::pipec_ir::Collection::Tuple),
        Collection::Set => quote!(::pipec_ir::Collection::Set),
        Collection::FrozenSet => quote!(::pipec_ir::Collection::FrozenSet),
    }
}

fn literal(value: &LiteralValue) -> TokenStream {
    match value {
        LiteralValue::Str(s) => {
            quote!(::pipec_ir::LiteralValue::Str(::std::string::String::from(#s)))
        }
        LiteralValue::Int(d) => {
            quote!(::pipec_ir::LiteralValue::Int(::std::string::String::from(#d)))
        }
        LiteralValue::Bool(b) => quote!(::pipec_ir::LiteralValue::Bool(#b)),
        LiteralValue::None => quote!(::pipec_ir::LiteralValue::None),
        LiteralValue::Float(f) => quote!(::pipec_ir::LiteralValue::Float(#f)),
        LiteralValue::Imaginary(f) => quote!(::pipec_ir::LiteralValue::Imaginary(#f)),
        LiteralValue::Bytes(b) => quote!(::pipec_ir::LiteralValue::Bytes(::std::vec![#(#b),*])),
        LiteralValue::Ellipsis => quote!(::pipec_ir::LiteralValue::Ellipsis),
    }
}
