//! Rust field types as IR types, for `#[signature]` and `#[record]` structs. A path type
//! that is none of the built-in ones names a record: it becomes `Type::Named` with the
//! struct's name, and the struct is remembered so the expansion can ask its
//! `pipec_adapter::Record` impl for the definition (a struct without one is a type error
//! there, worded by the trait's `on_unimplemented`).

use pipec_ir::Type;
use syn::spanned::Spanned;
use syn::{GenericArgument, PathArguments};

/// The IR type of a Rust field type; named records are pushed onto `records`.
pub fn rust_type(ty: &syn::Type, records: &mut Vec<syn::Type>) -> syn::Result<Type> {
    let unsupported = || {
        syn::Error::new(
            ty.span(),
            "this type has no DSPy equivalent; use String, integers, f32/f64, bool, Vec<T>, Option<T>, HashMap/BTreeMap<String, T> or a `#[pipec_macros::record]` struct",
        )
    };
    let syn::Type::Path(path) = ty else {
        return Err(unsupported());
    };
    let Some(last) = path.path.segments.last() else {
        return Err(unsupported());
    };
    if path.qself.is_some() {
        return Err(unsupported());
    }
    let args: Vec<&syn::Type> = match &last.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        PathArguments::Parenthesized(_) => return Err(unsupported()),
        PathArguments::None => Vec::new(),
    };
    let name = last.ident.to_string();
    Ok(match (name.as_str(), args.as_slice()) {
        ("String", []) => Type::Str,
        (
            "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
            | "usize",
            [],
        ) => Type::Int,
        ("f32" | "f64", []) => Type::Float,
        ("bool", []) => Type::Bool,
        ("Vec", [t]) => Type::List(Box::new(rust_type(t, records)?)),
        ("Option", [t]) => Type::Optional(Box::new(rust_type(t, records)?)),
        ("HashMap" | "BTreeMap", [k, v]) => {
            if rust_type(k, records)? != Type::Str {
                return Err(syn::Error::new(k.span(), "map keys must be `String`"));
            }
            Type::Dict(Box::new(Type::Str), Box::new(rust_type(v, records)?))
        }
        (_, []) if matches!(last.arguments, PathArguments::None) => {
            records.push(ty.clone());
            Type::Named(name)
        }
        _ => return Err(unsupported()),
    })
}

/// `<T as ::pipec_adapter::Record>::declare(defs);` for each named record.
pub fn declare_calls(records: &[syn::Type]) -> proc_macro2::TokenStream {
    let calls = records.iter().map(|ty| {
        quote::quote_spanned! {ty.span()=> <#ty as ::pipec_adapter::Record>::declare(defs); }
    });
    quote::quote! { #(#calls)* }
}
