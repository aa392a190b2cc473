//! What the migrate tests share: check a pipeline_ex text, migrate it, and check the
//! native result with the full checker.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    dead_code,
    reason = "test helpers: a panic is a failing test; not every test uses every helper"
)]

use pipec_check::{CheckResult, InputFile, MemoryLoader, check};
use pipec_diagnostics::render::{ColorChoice, render_human};
use pipec_syntax::{SourceFormat, emit, parse};

/// One migration, with both checks.
pub struct Migrated {
    /// The check of the pipeline_ex file.
    pub source: CheckResult,
    /// The migrate diagnostics, rendered against the source.
    pub warnings: String,
    /// The migrate diagnostics.
    pub diagnostics: Vec<pipec_diagnostics::Diagnostic>,
    /// The native YAML.
    pub yaml: String,
    /// The check of the native YAML.
    pub output: CheckResult,
}

/// Check `text` (named `name`), migrate it and check the YAML it becomes.
pub fn migrate_text(name: &str, text: &str) -> Migrated {
    migrate_with(name, text, &MemoryLoader::new())
}

/// [`migrate_text`] for a file that may have errors: `None` when it has.
pub fn try_migrate(name: &str, text: &str) -> Option<Migrated> {
    let source = check(
        vec![InputFile {
            name: name.to_owned(),
            bytes: text.as_bytes().to_vec(),
        }],
        &mut MemoryLoader::new(),
    );
    (source.error_count() == 0 && source.pipelines.iter().any(|(_, p)| p.is_some()))
        .then(|| migrate_text(name, text))
}

/// [`migrate_text`], with the files `pipeline_file` steps call served by `loader`.
pub fn migrate_with(name: &str, text: &str, loader: &MemoryLoader) -> Migrated {
    let source = check(
        vec![InputFile {
            name: name.to_owned(),
            bytes: text.as_bytes().to_vec(),
        }],
        &mut loader.clone(),
    );
    assert_eq!(
        source.error_count(),
        0,
        "{name} has errors:\n{}",
        render_human(&source.sources, &source.diagnostics, ColorChoice::Never)
    );
    let (id, pipeline) = source
        .pipelines
        .iter()
        .find_map(|(id, p)| p.as_ref().map(|p| (*id, p)))
        .expect("a pipeline");
    let file = source.sources.get(id).expect("the source file");
    let doc = parse(id, file.text(), SourceFormat::from_file_name(name))
        .document
        .expect("a document");
    let migration = pipec_migrate::migrate(pipeline, &doc, file.text());
    let warnings = render_human(&source.sources, &migration.diagnostics, ColorChoice::Never);
    let yaml = migration
        .document
        .as_ref()
        .map(emit::to_yaml)
        .unwrap_or_default();
    // Nothing to check when nothing was migrated (P0810).
    let outputs = if migration.document.is_some() {
        vec![InputFile {
            name: "migrated.pipec.yaml".to_owned(),
            bytes: yaml.as_bytes().to_vec(),
        }]
    } else {
        Vec::new()
    };
    let output = check(outputs, &mut loader.clone());
    Migrated {
        source,
        warnings,
        diagnostics: migration.diagnostics,
        yaml,
        output,
    }
}

/// The rendered diagnostics of the output check.
pub fn output_diagnostics(m: &Migrated) -> String {
    render_human(&m.output.sources, &m.output.diagnostics, ColorChoice::Never)
}
