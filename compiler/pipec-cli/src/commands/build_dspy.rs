//! `pipec build FILE --target dspy [-o DIR]`: check the file (and every file it calls),
//! then write the Python project `pipec_dspy::emit` returns into DIR (default
//! `<pipeline name>_dspy`). The `eval:` dataset, when it exists beside the pipeline, is
//! copied in as `dataset.jsonl`. Exit status: 0 written, 1 the file has errors or cannot be
//! built (P0832), 2 a usage or I/O problem.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pipec_diagnostics::render::{ColorChoice, render_human};
use pipec_ir::Pipeline;

use crate::running::load::check_file;

/// The name the copied dataset has inside the project.
const DATASET_FILE: &str = "dataset.jsonl";

/// Run the command.
pub fn run(file: &Path, out: Option<&PathBuf>) -> ExitCode {
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
            "error: `{}` has errors; fix them before building",
            loaded.file
        );
        return ExitCode::from(1);
    }
    let mut pipelines = checked.pipelines.iter().filter_map(|(_, p)| p.as_ref());
    let Some(root) = pipelines.next() else {
        return usage(&format!("`{}` holds no pipeline", loaded.file));
    };
    let files: Vec<Pipeline> = pipelines.cloned().collect();
    let calls = loaded.calls();
    let program = pipec_dspy::Program {
        root,
        files: &files,
        calls: &calls,
    };
    let dataset = root.eval.as_ref().map(|e| {
        file.parent()
            .unwrap_or_else(|| Path::new(""))
            .join(&e.dataset.text)
    });
    let copy_dataset = dataset.as_ref().filter(|p| p.is_file());
    let options = pipec_dspy::Options {
        dataset_file: copy_dataset.map(|_| DATASET_FILE.to_owned()),
    };
    let project = match pipec_dspy::emit(program, &options) {
        Ok(project) => project,
        Err(refused) => {
            eprint!(
                "{}",
                render_human(&checked.sources, &refused, ColorChoice::Never)
            );
            eprintln!("error: `{}` cannot be built for DSPy", loaded.file);
            return ExitCode::from(1);
        }
    };
    let dir = out
        .cloned()
        .unwrap_or_else(|| PathBuf::from(format!("{}_dspy", root.name.text)));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return usage(&format!("cannot create `{}`: {e}", dir.display()));
    }
    for (path, contents) in &project {
        let target = dir.join(path);
        if let Err(e) = std::fs::write(&target, contents) {
            return usage(&format!("cannot write `{}`: {e}", target.display()));
        }
    }
    if let Some(source) = copy_dataset
        && let Err(e) = std::fs::copy(source, dir.join(DATASET_FILE))
    {
        return usage(&format!("cannot copy `{}`: {e}", source.display()));
    }
    eprintln!("wrote {} files to {}", project.len(), dir.display());
    ExitCode::SUCCESS
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
