//! What `#[signature]` and `#[record]` read from attributes: the doc comment (DSPy's
//! instructions or a model's docstring) and a field attribute's `desc = "..."`.

use syn::{Attribute, LitStr};

/// The doc comment's lines joined with newlines, `None` without one. `/// text` reaches
/// the macro as ` text`: the one space after `///` is dropped, as rustdoc does, so the text
/// equals the same words written in a pipeline file.
pub fn doc_comment(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => {
                    let line = s.value();
                    Some(line.strip_prefix(' ').unwrap_or(&line).to_owned())
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// The `desc` of `#[NAME]` or `#[NAME(desc = "...")]`; any other argument is an error.
pub fn desc_argument(attr: &Attribute) -> syn::Result<Option<String>> {
    let mut desc = None;
    if matches!(attr.meta, syn::Meta::List(_)) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("desc") {
                let value: LitStr = meta.value()?.parse().map_err(|e: syn::Error| {
                    syn::Error::new(
                        e.span(),
                        "`desc` takes a string literal, such as `desc = \"The answer\"`",
                    )
                })?;
                desc = Some(value.value());
                Ok(())
            } else {
                Err(meta.error("unknown argument; the only one is `desc = \"...\"`"))
            }
        })?;
    }
    Ok(desc)
}

/// Errors of several fields as one (each keeps its span).
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    /// Adds one.
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// `Err` with every error, if any.
    pub fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// `Option<String>` as tokens.
pub fn option_string(value: Option<&str>) -> proc_macro2::TokenStream {
    match value {
        Some(text) => {
            quote::quote!(::std::option::Option::Some(::std::string::String::from(#text)))
        }
        None => quote::quote!(::std::option::Option::None),
    }
}

/// The named fields of a struct, or the error for any other item.
pub fn named_fields<'a>(
    input: &'a mut syn::DeriveInput,
    attribute: &str,
) -> syn::Result<&'a mut syn::FieldsNamed> {
    let ident_span = input.ident.span();
    let syn::Data::Struct(data) = &mut input.data else {
        return Err(syn::Error::new(
            ident_span,
            format!("`#[{attribute}]` goes on a struct with named fields"),
        ));
    };
    match &mut data.fields {
        syn::Fields::Named(named) => Ok(named),
        _ => Err(syn::Error::new(
            ident_span,
            format!("`#[{attribute}]` needs named fields: each field is a {attribute} field"),
        )),
    }
}
