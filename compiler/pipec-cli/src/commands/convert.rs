//! `pipec convert FILE --to yaml|json|pipe [-o OUT]`: one native pipeline in another of its
//! three forms (`pipec_syntax::convert`), on stdout or in OUT. The file is checked first: a
//! file with errors is refused with its diagnostics, and a pipeline_ex (`workflow:`) file is
//! P0800 (`pipec migrate` rewrites those). Exit status: 0 converted, 1 refused, 2 a usage or
//! I/O problem.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pipec_check::check;
use pipec_diagnostics::render::{ColorChoice, render_human};
use pipec_diagnostics::{Code, Diagnostic, SourceMap};
use pipec_ir::Dialect;
use pipec_ir::normalize::convert;
use pipec_syntax::SourceFormat;
use pipec_syntax::convert::Target;

use super::check::human_report;
use crate::disk::{DiskLoader, collect_inputs};

/// Run the command.
pub fn run(file: &Path, to: Target, out: Option<&PathBuf>) -> ExitCode {
    let sources = match collect_inputs(&[file.to_path_buf()]) {
        Ok(sources) => sources,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let name = sources.first().map(|s| s.name.clone()).unwrap_or_default();
    let result = check(sources, &mut DiskLoader);
    if result.error_count() > 0 {
        eprint!("{}", human_report(&result, std::io::stderr().is_terminal()));
        eprintln!("error: `{name}` has errors; fix them before converting it");
        return ExitCode::from(1);
    }
    let Some((id, pipeline)) = result.pipelines.first() else {
        eprintln!("error: `{name}` holds no pipeline");
        return ExitCode::from(1);
    };
    let Some(source) = result.sources.get(*id) else {
        return ExitCode::from(2);
    };
    let text = source.text().to_owned();
    let format = SourceFormat::from_file_name(&name);
    if pipeline
        .as_ref()
        .is_some_and(|p| p.dialect == Dialect::PipelineEx)
    {
        return refuse_pipeline_ex(&result.sources, *id, &text, format, &name);
    }
    let Some(pipeline) = pipeline else {
        eprintln!("error: `{name}` holds no pipeline");
        return ExitCode::from(1);
    };
    let Some(converted) = convert(*id, &text, format, to, pipeline) else {
        eprintln!("error: `{name}` holds no pipeline");
        return ExitCode::from(1);
    };
    let written = match out {
        Some(path) => std::fs::write(path, converted.as_bytes())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display())),
        None => std::io::stdout()
            .lock()
            .write_all(converted.as_bytes())
            .map_err(|e| format!("cannot write to stdout: {e}")),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// P0800, pointing at the `workflow` key.
fn refuse_pipeline_ex(
    sources: &SourceMap,
    id: pipec_diagnostics::FileId,
    text: &str,
    format: SourceFormat,
    name: &str,
) -> ExitCode {
    let span = pipec_syntax::parse(id, text, format)
        .document
        .and_then(|doc| {
            let root = doc.root().as_map()?;
            let (key, _) = root.entry("workflow")?;
            Some(key.span())
        })
        .unwrap_or(pipec_diagnostics::Span::new(id, 0, 0));
    let diagnostic = Diagnostic::new(
        Code::P0800,
        span,
        "`pipec convert` translates native pipelines; this is a pipeline_ex file",
    )
    .with_primary_label("a pipeline_ex `workflow:` file")
    .with_help(format!(
        "rewrite it as a native file with `pipec migrate {name}`, then convert that"
    ));
    let color = if std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    };
    eprint!("{}", render_human(sources, &[diagnostic], color));
    ExitCode::from(1)
}
