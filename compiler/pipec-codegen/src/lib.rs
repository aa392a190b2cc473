//! The Rust back-end: a checked pipeline to a Cargo crate, as a map of path → file contents.
//!
//! Pure and byte-deterministic: the same [`CheckResult`] and [`Options`] give the same
//! bytes (no clock, no environment, no hash-map order). The CLI writes the files and runs
//! cargo (`pipec build`).
//!
//! The crate is thin by design. It embeds the pipeline's source files and runs them through
//! `pipec-app` — the same checker and `pipec_runtime::executor::Executor` that `pipec run`
//! uses — so a generated binary behaves exactly as `pipec run` and costs the same per step.
//! What it adds is types and an entry point:
//!
//! - `src/types.rs` ([`types`]): a struct per declared record, an enum per declared enum,
//!   input and output structs per signature, and the pipeline's `Inputs`/`Outputs`;
//! - `src/pipeline.rs` ([`pipeline`]): the embedded files, the `pipec_app::Pipeline` impl,
//!   the recorded pipec version, and the typed `async fn run`;
//! - `src/main.rs` ([`main_rs`], binaries only): a clap CLI — one flag per input,
//!   `--inputs JSON`, `--batch`, `serve`, `--events`, `--resume`;
//! - `Cargo.toml` ([`manifest`]) and `pipeline/…` (the sources, verbatim; [`files`]).

pub mod files;
pub mod main_rs;
pub mod manifest;
pub mod names;
pub mod pipeline;
pub mod types;

use std::collections::BTreeMap;

use pipec_check::CheckResult;
use pipec_ir::Pipeline;

/// Where the generated crate finds the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDep {
    /// A path to the in-tree `runtime/app` crate (inside the pipec repository).
    Path(String),
    /// The published `pipec-app` of exactly this version.
    Version(String),
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The pipec version recorded in the crate (and checked by the runtime at start-up).
    pub pipec_version: String,
    /// Where the runtime comes from.
    pub runtime: RuntimeDep,
    /// A library crate only (the typed function), no binary.
    pub lib: bool,
}

/// The generated crate's files, by path relative to its root. `None` when the check found
/// no pipeline.
#[must_use]
pub fn generate(checked: &CheckResult, options: &Options) -> Option<BTreeMap<String, String>> {
    let root = root(checked)?;
    let embedded = files::embedded(checked);
    let crate_name = names::crate_name(&root.name.text);
    let mut out = BTreeMap::new();
    out.insert(
        "Cargo.toml".to_owned(),
        manifest::manifest(&crate_name, root, options),
    );
    out.insert("src/types.rs".to_owned(), types::file(root));
    out.insert(
        "src/pipeline.rs".to_owned(),
        pipeline::file(root, &embedded, &options.pipec_version),
    );
    out.insert("src/lib.rs".to_owned(), pipeline::lib_file(root));
    if !options.lib {
        out.insert("src/main.rs".to_owned(), main_rs::file(root, &crate_name));
    }
    for file in embedded {
        out.insert(file.disk_path, file.text);
    }
    Some(out)
}

/// The root pipeline of a check (the first file's).
#[must_use]
pub fn root(checked: &CheckResult) -> Option<&Pipeline> {
    checked.pipelines.iter().find_map(|(_, p)| p.as_ref())
}

/// Outer doc attributes, one per line, so each prints as a `///` line.
fn doc(text: &str) -> proc_macro2::TokenStream {
    let lines = text.lines().map(|line| {
        let line = format!(" {}", line.trim_start());
        quote::quote! { #[doc = #line] }
    });
    quote::quote! { #(#lines)* }
}

/// Inner doc attributes, one per line, so each prints as a `//!` line.
fn inner_doc(text: &str) -> proc_macro2::TokenStream {
    let lines = text.lines().map(|line| {
        let line = format!(" {}", line.trim_start());
        quote::quote! { #![doc = #line] }
    });
    quote::quote! { #(#lines)* }
}

/// Prints a token stream as a formatted Rust file.
fn print(tokens: proc_macro2::TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        // Unreachable for the tokens this crate builds (a test parses every example's
        // output); printing the raw tokens keeps the function total.
        Err(_) => tokens.to_string(),
    }
}
