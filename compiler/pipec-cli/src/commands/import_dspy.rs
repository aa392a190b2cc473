//! `pipec import-dspy SAVED.json FILE [--write]`: a DSPy saved program's instructions,
//! field descriptions and demos written into the pipeline's steps
//! (`pipec_dspy::import::import_saved`). Without `--write` the updated file is printed;
//! with it the file is rewritten in place. Exit status: 0 imported, 1 the pipeline has
//! errors or the saved program does not match it (P0833–P0838), 2 a usage or I/O problem.

use std::path::Path;
use std::process::ExitCode;

use pipec_diagnostics::render::{ColorChoice, render_human};
use pipec_dspy::import::{Target, import_saved};
use pipec_syntax::{SourceFormat, parse, parse_json};

use crate::running::load::check_file;

/// Run the command.
pub fn run(saved_path: &Path, file: &Path, write: bool) -> ExitCode {
    let loaded = match check_file(file) {
        Ok(loaded) => loaded,
        Err(message) => return usage(&message),
    };
    let checked = &loaded.checked;
    if checked.error_count() > 0 {
        eprint!(
            "{}",
            render_human(&checked.sources, &checked.diagnostics, ColorChoice::Never)
        );
        eprintln!(
            "error: `{}` has errors; fix them before importing",
            loaded.file
        );
        return ExitCode::from(1);
    }
    let Some(pipeline) = checked.pipelines.first().and_then(|(_, p)| p.as_ref()) else {
        return usage(&format!("`{}` holds no pipeline", loaded.file));
    };
    let saved_text = match std::fs::read_to_string(saved_path) {
        Ok(text) => text,
        Err(e) => return usage(&format!("cannot read `{}`: {e}", saved_path.display())),
    };
    let mut sources = checked.sources.clone();
    let saved_id = sources.add(saved_path.display().to_string(), saved_text.clone());
    let parsed = parse_json(saved_id, &saved_text);
    let Some(saved) = parsed.document.filter(|_| parsed.diagnostics.is_empty()) else {
        eprint!(
            "{}",
            render_human(&sources, &parsed.diagnostics, ColorChoice::Never)
        );
        eprintln!("error: `{}` is not JSON", saved_path.display());
        return ExitCode::from(1);
    };
    let Some(source) = sources.get(pipeline.file) else {
        return usage("the pipeline's source is missing");
    };
    let text = source.text().to_owned();
    let format = SourceFormat::from_file_name(source.name());
    let Some(document) = parse(pipeline.file, &text, format).document else {
        return usage("the pipeline could not be parsed again");
    };
    let target = Target {
        pipeline,
        document: &document,
        text: &text,
        is_dsl: format == SourceFormat::Pipe,
    };
    let imported = match import_saved(&saved, target) {
        Ok(imported) => imported,
        Err(refused) => {
            eprint!("{}", render_human(&sources, &refused, ColorChoice::Never));
            eprintln!(
                "error: `{}` does not match `{}`",
                saved_path.display(),
                loaded.file
            );
            return ExitCode::from(1);
        }
    };
    for change in &imported.changes {
        eprintln!("{change}");
    }
    if write {
        if let Err(e) = std::fs::write(file, &imported.text) {
            return usage(&format!("cannot write `{}`: {e}", file.display()));
        }
        eprintln!("wrote {}", file.display());
    } else {
        print!("{}", imported.text);
    }
    ExitCode::SUCCESS
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
