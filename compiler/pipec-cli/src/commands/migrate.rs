//! `pipec migrate FILE [-o OUT] [--format yaml|json]`: a pipeline_ex workflow rewritten
//! as a native `pipec: 1` file (`pipec_migrate::migrate`, printed with the shared
//! emitters). The file is checked first; with errors they are shown and nothing is
//! written. What cannot be carried over is reported as warnings on stderr; the native file
//! goes to stdout or to OUT. Exit status: 0 migrated, 1 refused (errors, or P0810),
//! 2 usage or I/O problem.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use pipec_check::check;
use pipec_diagnostics::Severity;
use pipec_diagnostics::render::{ColorChoice, render_human};
use pipec_syntax::{SourceFormat, emit, parse};

use crate::disk::{DiskLoader, collect_inputs};

/// Run the command.
pub fn run(file: &Path, out: Option<&Path>, json: bool) -> ExitCode {
    let sources = match collect_inputs(&[file.to_path_buf()]) {
        Ok(sources) => sources,
        Err(message) => return usage(&message),
    };
    let [source] = sources.as_slice() else {
        return usage(&format!(
            "`{}` is not one pipeline file; migrate one file at a time",
            file.display()
        ));
    };
    let name = source.name.clone();
    let result = check(sources, &mut DiskLoader);
    let color = if std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    };
    if result.error_count() > 0 {
        eprint!(
            "{}",
            render_human(&result.sources, &result.diagnostics, color)
        );
        eprintln!("error: `{name}` has errors; fix them before migrating");
        return ExitCode::from(1);
    }
    let found = result.pipelines.iter().find_map(|(id, pipeline)| {
        let file = result.sources.get(*id)?;
        (file.name() == name).then_some((*id, file, pipeline.as_ref()?))
    });
    let Some((id, text, pipeline)) = found else {
        return usage(&format!("`{name}` holds no pipeline"));
    };
    let Some(doc) = parse(id, text.text(), SourceFormat::from_file_name(&name)).document else {
        return usage(&format!("`{name}` holds no pipeline"));
    };
    let migration = pipec_migrate::migrate(pipeline, &doc, text.text());
    eprint!(
        "{}",
        render_human(&result.sources, &migration.diagnostics, color)
    );
    let Some(native) = migration.document else {
        return ExitCode::from(1);
    };
    let rendered = if json {
        emit::to_json(&native)
    } else {
        emit::to_yaml(&native)
    };
    let written = match out {
        Some(path) => std::fs::write(path, rendered.as_bytes())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display())),
        None => std::io::stdout()
            .lock()
            .write_all(rendered.as_bytes())
            .map_err(|e| format!("cannot write the output: {e}")),
    };
    if let Err(message) = written {
        return usage(&message);
    }
    let warnings = migration
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let plural = if warnings == 1 { "" } else { "s" };
    eprintln!("migrated {name}: {warnings} warning{plural}");
    ExitCode::SUCCESS
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
