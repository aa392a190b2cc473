//! `#[signature]` on a struct: the doc comment is the instructions, `#[input]` and
//! `#[output]` fields (with `desc = "..."`) are the fields, Rust types map to the IR's
//! types. The struct is kept (helper attributes removed) and gains
//! `fn signature() -> pipec_adapter::Signature`.

use pipec_ir::Type;
use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, GenericArgument, LitStr, PathArguments};

use crate::type_tokens::type_tokens;

/// Expand one use of the attribute.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    match build(args, item) {
        Ok(tokens) => tokens,
        Err(error) => error.into_compile_error(),
    }
}

struct FieldOut {
    name: String,
    ty: Type,
    desc: Option<String>,
    input: bool,
}

fn build(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !args.is_empty() {
        return Err(syn::Error::new(
            args.span(),
            "`#[signature]` takes no arguments; the doc comment is the instructions",
        ));
    }
    let mut input: DeriveInput = syn::parse2(item)?;
    let Data::Struct(data) = &mut input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "`#[signature]` goes on a struct with named fields",
        ));
    };
    let Fields::Named(named) = &mut data.fields else {
        return Err(syn::Error::new(
            input.ident.span(),
            "`#[signature]` needs named fields: each field is a signature field",
        ));
    };
    let mut fields = Vec::new();
    let mut errors: Option<syn::Error> = None;
    for field in &mut named.named {
        match read_field(field) {
            Ok(f) => fields.push(f),
            Err(e) => match &mut errors {
                Some(all) => all.combine(e),
                None => errors = Some(e),
            },
        }
    }
    if let Some(errors) = errors {
        return Err(errors);
    }
    if !fields.iter().any(|f| !f.input) {
        return Err(syn::Error::new(
            input.ident.span(),
            "a signature needs at least one `#[output]` field",
        ));
    }
    let doc: Vec<String> = input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let instructions = if doc.is_empty() {
        quote!(::std::option::Option::None)
    } else {
        let text = doc.join("\n");
        quote!(::std::option::Option::Some(::std::string::String::from(#text)))
    };
    let spec = |f: &FieldOut| {
        let (name, ty) = (&f.name, type_tokens(&f.ty));
        match &f.desc {
            Some(d) => quote!(::pipec_adapter::FieldSpec::new(#name, #ty).with_desc(#d)),
            None => quote!(::pipec_adapter::FieldSpec::new(#name, #ty)),
        }
    };
    let inputs = fields.iter().filter(|f| f.input).map(spec);
    let outputs = fields.iter().filter(|f| !f.input).map(spec);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        #input
        impl #impl_generics #ident #ty_generics #where_clause {
            /// The DSPy signature this struct declares.
            #[must_use]
            pub fn signature() -> ::pipec_adapter::Signature {
                ::pipec_adapter::Signature {
                    instructions: #instructions,
                    inputs: ::std::vec![#(#inputs),*],
                    outputs: ::std::vec![#(#outputs),*],
                }
            }
        }
    })
}

/// One field's role, description and type; removes its `#[input]`/`#[output]`.
fn read_field(field: &mut syn::Field) -> syn::Result<FieldOut> {
    let mut role: Option<(bool, proc_macro2::Span)> = None;
    let mut desc = None;
    let span = field.span();
    for attr in &field.attrs {
        let is_input = attr.path().is_ident("input");
        if !is_input && !attr.path().is_ident("output") {
            continue;
        }
        if role.is_some() {
            return Err(syn::Error::new(
                attr.span(),
                "a field is either `#[input]` or `#[output]`, not both",
            ));
        }
        role = Some((is_input, attr.span()));
        if matches!(attr.meta, syn::Meta::List(_)) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("desc") {
                    let value: LitStr = meta.value()?.parse()?;
                    desc = Some(value.value());
                    Ok(())
                } else {
                    Err(meta.error("unknown argument; the only one is `desc = \"...\"`"))
                }
            })?;
        }
    }
    field
        .attrs
        .retain(|a| !a.path().is_ident("input") && !a.path().is_ident("output"));
    let Some((input, _)) = role else {
        return Err(syn::Error::new(
            span,
            "mark this field `#[input]` or `#[output]`",
        ));
    };
    let name = field
        .ident
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let ty = rust_type(&field.ty)?;
    Ok(FieldOut {
        name: name.trim_start_matches("r#").to_owned(),
        ty,
        desc,
        input,
    })
}

/// The IR type of a Rust field type.
fn rust_type(ty: &syn::Type) -> syn::Result<Type> {
    let unsupported = || {
        syn::Error::new(
            ty.span(),
            "this type has no DSPy equivalent; use String, integers, f32/f64, bool, Vec<T>, Option<T> or HashMap/BTreeMap<String, T>",
        )
    };
    let syn::Type::Path(path) = ty else {
        return Err(unsupported());
    };
    let Some(last) = path.path.segments.last() else {
        return Err(unsupported());
    };
    let args: Vec<&syn::Type> = match &last.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
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
        ("Vec", [t]) => Type::List(Box::new(rust_type(t)?)),
        ("Option", [t]) => Type::Optional(Box::new(rust_type(t)?)),
        ("HashMap" | "BTreeMap", [k, v]) => {
            if rust_type(k)? != Type::Str {
                return Err(syn::Error::new(k.span(), "map keys must be `String`"));
            }
            Type::Dict(Box::new(Type::Str), Box::new(rust_type(v)?))
        }
        _ => return Err(unsupported()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(args: TokenStream, item: TokenStream) -> String {
        let text = expand(args, item).to_string();
        assert!(text.contains("compile_error"), "{text}");
        text
    }

    #[test]
    fn every_bad_use_is_a_compile_error() {
        let none = TokenStream::new();
        assert!(
            error(
                none.clone(),
                quote!(
                    enum E {
                        A,
                    }
                )
            )
            .contains("goes on a struct")
        );
        assert!(
            error(
                none.clone(),
                quote!(
                    struct T(String);
                )
            )
            .contains("named fields")
        );
        assert!(
            error(
                none.clone(),
                quote!(
                    struct U;
                )
            )
            .contains("named fields")
        );
        assert!(
            error(
                quote!(x),
                quote!(
                    struct S {
                        #[output]
                        a: String,
                    }
                )
            )
            .contains("no arguments")
        );
        assert!(
            error(
                none.clone(),
                quote!(
                    struct S {
                        a: String,
                    }
                )
            )
            .contains("mark this field")
        );
        assert!(
            error(
                none.clone(),
                quote!(
                    struct S {
                        #[input]
                        #[output]
                        a: String,
                    }
                )
            )
            .contains("not both")
        );
        assert!(
            error(
                none.clone(),
                quote!(
                    struct S {
                        #[output(doc = "x")]
                        a: String,
                    }
                )
            )
            .contains("unknown argument")
        );
        assert!(
            error(
                none.clone(),
                quote!(
                    struct S {
                        #[output]
                        a: Thing,
                    }
                )
            )
            .contains("no DSPy equivalent")
        );
        assert!(
            error(
                none.clone(),
                quote!(
                    struct S {
                        #[output]
                        a: HashMap<i64, String>,
                    }
                )
            )
            .contains("map keys")
        );
        assert!(
            error(
                none,
                quote!(
                    struct S {
                        #[input]
                        a: String,
                    }
                )
            )
            .contains("`#[output]`")
        );
    }
}
