//! `#[record]` on a struct: a declared record type (a pydantic model in DSPy) that
//! `#[signature]` fields may name. The doc comment is the model's description, each named
//! field a model field (`#[field(desc = "...")]` for its description). The struct is kept
//! and implements `pipec_adapter::Record`, whose `declare` adds the same
//! `pipec_adapter::ModelDef` a pipeline's `types:` entry lowers to.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::attrs::{Errors, desc_argument, doc_comment, named_fields, option_string};
use crate::rust_types::{declare_calls, rust_type};
use crate::type_tokens::type_tokens;

/// Expand one use of the attribute.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    match build(args, item) {
        Ok(tokens) => tokens,
        Err(error) => error.into_compile_error(),
    }
}

fn build(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !args.is_empty() {
        return Err(syn::Error::new(
            args.span(),
            "`#[record]` takes no arguments; the doc comment is the description",
        ));
    }
    let mut input: DeriveInput = syn::parse2(item)?;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.params.span(),
            "a `#[record]` struct cannot be generic: its schema is fixed",
        ));
    }
    let doc = option_string(doc_comment(&input.attrs).as_deref());
    let named = named_fields(&mut input, "record")?;
    let mut fields = Vec::new();
    let mut records = Vec::new();
    let mut errors = Errors::default();
    for field in &mut named.named {
        let mut desc = None;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("field")) {
            match desc_argument(attr) {
                Ok(d) => desc = d,
                Err(e) => errors.push(e),
            }
        }
        field.attrs.retain(|a| !a.path().is_ident("field"));
        let name = field
            .ident
            .as_ref()
            .map(|i| i.to_string().trim_start_matches("r#").to_owned())
            .unwrap_or_default();
        match rust_type(&field.ty, &mut records) {
            Ok(ty) => {
                let (ty, desc) = (type_tokens(&ty), option_string(desc.as_deref()));
                fields.push(quote! {
                    ::pipec_adapter::ModelField {
                        name: ::std::string::String::from(#name),
                        ty: #ty,
                        description: #desc,
                        default: ::std::option::Option::None,
                        constraints: ::std::vec::Vec::new(),
                    }
                });
            }
            Err(e) => errors.push(e),
        }
    }
    errors.finish()?;
    let declares = declare_calls(&records);
    let ident = &input.ident;
    let name = ident.to_string();
    Ok(quote! {
        #input
        impl ::pipec_adapter::Record for #ident {
            const NAME: &'static str = #name;

            fn declare(defs: &mut ::pipec_adapter::TypeDefs) {
                if defs.get(#name).is_some() {
                    return;
                }
                defs.add(::pipec_adapter::TypeDef::Model(::pipec_adapter::ModelDef {
                    name: ::std::string::String::from(#name),
                    doc: #doc,
                    fields: ::std::vec![#(#fields),*],
                }));
                #declares
            }
        }
    })
}
