//! `#[signature]` on a struct: the doc comment is the instructions, `#[input]` and
//! `#[output]` fields (with `desc = "..."`) are the fields, Rust types map to the IR's
//! types (a `#[record]` struct to its record). The struct is kept (helper attributes
//! removed) and gains `fn signature() -> pipec_adapter::Signature` and
//! `fn type_defs() -> pipec_adapter::TypeDefs` (the records its fields name, for
//! `pipec_adapter::format`).

use pipec_ir::Type;
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
    let instructions = option_string(doc_comment(&input.attrs).as_deref());
    let ident_span = input.ident.span();
    let named = named_fields(&mut input, "signature")?;
    let mut fields = Vec::new();
    let mut records = Vec::new();
    let mut errors = Errors::default();
    for field in &mut named.named {
        match read_field(field, &mut records) {
            Ok(f) => fields.push(f),
            Err(e) => errors.push(e),
        }
    }
    errors.finish()?;
    if !fields.iter().any(|f| !f.input) {
        return Err(syn::Error::new(
            ident_span,
            "a signature needs at least one `#[output]` field",
        ));
    }
    let spec = |f: &FieldOut| {
        let (name, ty) = (&f.name, type_tokens(&f.ty));
        match &f.desc {
            Some(d) => quote!(::pipec_adapter::FieldSpec::new(#name, #ty).with_desc(#d)),
            None => quote!(::pipec_adapter::FieldSpec::new(#name, #ty)),
        }
    };
    let inputs = fields.iter().filter(|f| f.input).map(spec);
    let outputs = fields.iter().filter(|f| !f.input).map(spec);
    let declares = declare_calls(&records);
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

            /// The records the fields name (with the records those name), for
            /// `pipec_adapter::format` and `pipec_adapter::parse`.
            #[must_use]
            pub fn type_defs() -> ::pipec_adapter::TypeDefs {
                let mut defs = ::pipec_adapter::TypeDefs::new();
                {
                    let defs = &mut defs;
                    #declares
                    let _ = defs;
                }
                defs
            }
        }
    })
}

/// One field's role, description and type; removes its `#[input]`/`#[output]`.
fn read_field(field: &mut syn::Field, records: &mut Vec<syn::Type>) -> syn::Result<FieldOut> {
    let mut role: Option<bool> = None;
    let mut desc = None;
    for attr in &field.attrs {
        let is_input = attr.path().is_ident("input");
        if !is_input && !attr.path().is_ident("output") {
            continue;
        }
        if role.is_some() {
            return Err(syn::Error::new(
                attr.path().span(),
                "a field is either `#[input]` or `#[output]`, not both",
            ));
        }
        role = Some(is_input);
        desc = desc_argument(attr)?;
    }
    field
        .attrs
        .retain(|a| !a.path().is_ident("input") && !a.path().is_ident("output"));
    let Some(input) = role else {
        return Err(syn::Error::new(
            field.span(),
            "mark this field `#[input]` or `#[output]`",
        ));
    };
    let name = field
        .ident
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let ty = rust_type(&field.ty, records)?;
    Ok(FieldOut {
        name: name.trim_start_matches("r#").to_owned(),
        ty,
        desc,
        input,
    })
}
