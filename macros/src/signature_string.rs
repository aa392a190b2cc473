//! `signature!("...")`: the string read by `pipec_ir::dspy::parse_signature`, errors as
//! compile errors, fields as a `pipec_adapter::Signature` expression.

use pipec_ir::dspy::{DspyField, SignatureError, parse_signature};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::LitStr;

use crate::type_tokens::type_tokens;

/// Expand one invocation.
pub fn expand(input: TokenStream) -> TokenStream {
    let literal: LitStr = match syn::parse2(input) {
        Ok(literal) => literal,
        Err(error) => {
            return syn::Error::new(
                error.span(),
                "`signature!` takes one string literal, such as `signature!(\"question -> answer\")`",
            )
            .into_compile_error();
        }
    };
    let text = literal.value();
    let (parsed, errors) = parse_signature(&text, 0, None, &[]);
    if !errors.is_empty() {
        let mut all = errors.iter().map(|e| compile_error(&literal, &text, e));
        let mut first = all
            .next()
            .unwrap_or_else(|| syn::Error::new(literal.span(), ""));
        for more in all {
            first.combine(more);
        }
        return first.into_compile_error();
    }
    let inputs = parsed.inputs.iter().map(field);
    let outputs = parsed.outputs.iter().map(field);
    quote! {
        ::pipec_adapter::Signature {
            instructions: ::std::option::Option::None,
            inputs: ::std::vec![#(#inputs),*],
            outputs: ::std::vec![#(#outputs),*],
        }
    }
}

fn field(f: &DspyField) -> TokenStream {
    let name = &f.name;
    let ty = type_tokens(&f.ty);
    quote!(::pipec_adapter::FieldSpec::new(#name, #ty))
}

/// pipec's diagnostic as a compile error: code, message, where in the string (column in
/// characters, 1-based), the label, the related place and the help.
fn compile_error(literal: &LitStr, text: &str, error: &SignatureError) -> syn::Error {
    let column = |at: usize| text.get(..at).map_or(0, |s| s.chars().count()) + 1;
    let mut message = format!(
        "{}: {}\n  --> column {} of the signature string: {}",
        error.code,
        error.message,
        column(error.range.start),
        error.label
    );
    if let Some((range, label)) = error.related.as_deref() {
        message.push_str(&format!("\n  --> column {}: {label}", column(range.start)));
    }
    if let Some(help) = &error.help {
        message.push_str(&format!("\n  = help: {help}"));
    }
    syn::Error::new(span_in(literal, error.range.clone()), message)
}

/// The span of `range` (bytes of the string's value) inside the literal where the
/// compiler can point there (a plain literal without escapes, on a compiler with
/// `Literal::subspan`); otherwise the whole literal.
fn span_in(literal: &LitStr, range: std::ops::Range<usize>) -> Span {
    let token = literal.token();
    let source = token.to_string();
    let plain = source.len() == literal.value().len() + 2 && source.starts_with('"');
    if plain && let Some(span) = token.subspan(range.start + 1..range.end.max(range.start + 1) + 1)
    {
        return span;
    }
    literal.span()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_text(input: TokenStream) -> String {
        expand(input).to_string()
    }

    #[test]
    fn a_string_dspy_rejects_is_pipecs_coded_error_with_its_column() {
        let text = error_text(quote!("question -> answer -> more"));
        assert!(text.contains("compile_error"), "{text}");
        assert!(text.contains("P0113: invalid signature: it must contain exactly one `->`"));
        assert!(text.contains("column 20 of the signature string: a second `->`"));
        assert!(text.contains("column 10: the first `->`"));
        assert!(text.contains("= help: a signature has one `->`"));
        let text = error_text(quote!("q: Foo -> a"));
        assert!(text.contains("P0114"), "{text}");
        assert!(text.contains("column 4"), "{text}");
        let text = error_text(quote!("q -> q"));
        assert!(text.contains("P0117"), "{text}");
    }

    #[test]
    fn only_a_string_literal_is_accepted() {
        let text = error_text(quote!(42));
        assert!(text.contains("takes one string literal"), "{text}");
    }
}
