//! file_ops (pipeline_ex's `FileOps` with `FileUtils`), confined to the workspace
//! directory: every path is resolved against it and refused when it leaves it (P0722,
//! before anything is touched; `workspace.rs`). Operations: `copy`, `move` and
//! `stream_copy` (`source`, `destination`), `delete` (`path`), `validate` (`files`, each
//! `{path, must_exist (default true), must_be_file, must_be_dir, min_size, max_size,
//! must_be_readable, must_be_writable}`), `list` (`path`, `pattern` — a regular expression
//! on the names), `convert` (`source`, `destination`, `format`: csv_to_json, json_to_csv,
//! yaml_to_json; pipeline_ex fails on the others), `stream_process` (`source`, rewritten in
//! place line by line with `processor`: identity, uppercase, lowercase, trim, replace with
//! `pattern` and `replacement`). Results are pipeline_ex's summaries, with paths as the
//! workflow writes them (`./workspace/a.txt`). A failure is P0723 with pipeline_ex's reason.

use std::path::{Path, PathBuf};

use pipec_diagnostics::Code;
use serde_json::{Map, Value, json};

use super::Prepared;
use super::context::text;
use super::raw::yaml_to_json;
use super::workspace::{confine, io_error, workspace_dir};
use crate::executor::error::RunError;
use crate::executor::state::RunState;

/// Resolves the path under a key of the step (the key names it in errors).
type Resolve<'r> = dyn Fn(&str, Option<&Value>) -> Result<Resolved, RunError> + 'r;

/// A path of the operation: where it is on disk, and how the result shows it.
struct Resolved {
    disk: PathBuf,
    shown: String,
}

/// Runs a file_ops step.
///
/// # Errors
/// P0722 for a path outside the workspace, P0723 when the operation fails.
pub fn run(run: &RunState<'_>, prepared: &Prepared) -> Result<Value, RunError> {
    let raw = &prepared.raw;
    let base = workspace_dir(run, &prepared.workflow);
    // `key` is the dotted path of the key in the step (`files.0.path`): errors point at it.
    let resolve = |key: &str, value: Option<&Value>| -> Result<Resolved, RunError> {
        let name = key.rsplit('.').next().unwrap_or(key);
        let path = value
            .and_then(Value::as_str)
            .ok_or_else(|| failed(format!("`{name}` is required for this file operation")))?;
        Ok(Resolved {
            disk: confine(&base, path, &format!("`{name}`"))
                .map_err(|e| prepared.at_key(run.program, key, e))?,
            shown: base.show(path),
        })
    };
    let operation = raw
        .get("operation")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match operation {
        "copy" | "move" | "stream_copy" => {
            let source = resolve("source", raw.get("source"))?;
            let destination = resolve("destination", raw.get("destination"))?;
            must_exist(&source)?;
            make_parent(&destination.disk)?;
            if operation == "move" {
                std::fs::rename(&source.disk, &destination.disk)
                    .map_err(|e| io_error("move", &source.disk, &e))?;
            } else {
                std::fs::copy(&source.disk, &destination.disk)
                    .map_err(|e| io_error("copy", &source.disk, &e))?;
            }
            let mut result = json!({
                "operation": operation,
                "source": source.shown,
                "destination": destination.shown,
                "status": "completed",
            });
            if operation == "stream_copy" {
                result["method"] = json!("streaming");
            }
            Ok(result)
        }
        "delete" => {
            let path = resolve("path", raw.get("path"))?;
            if path.disk.is_file() {
                std::fs::remove_file(&path.disk).map_err(|e| io_error("delete", &path.disk, &e))?;
            } else if path.disk.is_dir() {
                std::fs::remove_dir_all(&path.disk)
                    .map_err(|e| io_error("delete", &path.disk, &e))?;
            } else {
                return Err(failed(format!("Path does not exist: {}", path.shown)));
            }
            Ok(json!({"operation": "delete", "path": path.shown, "status": "completed"}))
        }
        "validate" => validate(raw, &resolve),
        "list" => {
            let path = resolve("path", raw.get("path"))?;
            if !path.disk.is_dir() {
                return Err(failed(format!("Path is not a directory: {}", path.shown)));
            }
            let pattern = raw.get("pattern").and_then(Value::as_str);
            let regex =
                match pattern {
                    Some(p) => Some(regex::Regex::new(p).map_err(|e| {
                        failed(format!("`pattern` is not a regular expression: {e}"))
                    })?),
                    None => None,
                };
            let mut names: Vec<String> = std::fs::read_dir(&path.disk)
                .map_err(|e| io_error("list", &path.disk, &e))?
                .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
                .filter(|name| regex.as_ref().is_none_or(|r| r.is_match(name)))
                .collect();
            names.sort();
            let files: Vec<String> = names
                .iter()
                .map(|n| Path::new(&path.shown).join(n).display().to_string())
                .collect();
            Ok(json!({
                "operation": "list",
                "path": path.shown,
                "pattern": pattern,
                "count": files.len(),
                "files": files,
            }))
        }
        "convert" => {
            let source = resolve("source", raw.get("source"))?;
            let destination = resolve("destination", raw.get("destination"))?;
            let format = raw
                .get("format")
                .and_then(Value::as_str)
                .ok_or_else(|| failed("Format conversion type must be specified".to_owned()))?;
            must_exist(&source)?;
            make_parent(&destination.disk)?;
            let content = std::fs::read_to_string(&source.disk)
                .map_err(|e| io_error("read", &source.disk, &e))?;
            let converted = convert(&content, format)?;
            std::fs::write(&destination.disk, converted)
                .map_err(|e| io_error("write", &destination.disk, &e))?;
            Ok(json!({
                "operation": "convert",
                "source": source.shown,
                "destination": destination.shown,
                "format": format,
                "status": "completed",
            }))
        }
        "stream_process" => {
            let source = resolve("source", raw.get("source"))?;
            must_exist(&source)?;
            let processor = raw
                .get("processor")
                .and_then(Value::as_str)
                .unwrap_or("identity");
            let content = std::fs::read_to_string(&source.disk)
                .map_err(|e| io_error("read", &source.disk, &e))?;
            let pattern = raw
                .get("pattern")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let replacement = raw
                .get("replacement")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let processed: String = content
                .split_inclusive('\n')
                .map(|line| match processor {
                    "uppercase" => line.to_uppercase(),
                    "lowercase" => line.to_lowercase(),
                    "trim" => format!("{}\n", line.trim()),
                    "replace" if !pattern.is_empty() => line.replace(pattern, replacement),
                    _ => line.to_owned(),
                })
                .collect();
            std::fs::write(&source.disk, processed)
                .map_err(|e| io_error("write", &source.disk, &e))?;
            Ok(json!({
                "operation": "stream_process",
                "source": source.shown,
                "processed_path": source.shown,
                "processor": processor,
                "status": "completed",
                "method": "streaming",
            }))
        }
        other => Err(failed(format!("Unsupported operation: {other}"))),
    }
}

fn failed(message: String) -> RunError {
    RunError::new(Code::P0723, message)
}

fn must_exist(source: &Resolved) -> Result<(), RunError> {
    if source.disk.exists() {
        Ok(())
    } else {
        Err(failed(format!(
            "Source file does not exist: {}",
            source.shown
        )))
    }
}

fn make_parent(path: &Path) -> Result<(), RunError> {
    match path.parent() {
        Some(parent) => std::fs::create_dir_all(parent).map_err(|e| io_error("create", parent, &e)),
        None => Ok(()),
    }
}

fn validate(raw: &Value, resolve: &Resolve<'_>) -> Result<Value, RunError> {
    let mut results = Vec::new();
    let mut invalid = Vec::new();
    for spec in raw
        .get("files")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let path = resolve("path", spec.get("path"))?;
        let criteria: Map<String, Value> = spec
            .as_object()
            .map(|o| {
                o.iter()
                    .filter(|(k, _)| *k != "path")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let outcome = check_file(&path, &criteria);
        let mut entry = json!({"path": path.shown, "criteria": criteria});
        match outcome {
            Ok(()) => entry["status"] = json!("valid"),
            Err(reason) => {
                entry["status"] = json!("invalid");
                entry["error"] = json!(reason);
                invalid.push(reason);
            }
        }
        results.push(entry);
    }
    if !invalid.is_empty() {
        return Err(failed(format!(
            "Validation failed for {} file(s): {}",
            invalid.len(),
            invalid.join("; ")
        )));
    }
    Ok(json!({"operation": "validate", "results": results, "status": "all_valid"}))
}

/// One file against its criteria, in pipeline_ex's order.
fn check_file(path: &Resolved, criteria: &Map<String, Value>) -> Result<(), String> {
    let flag = |k: &str, default: bool| criteria.get(k).and_then(Value::as_bool).unwrap_or(default);
    let disk = &path.disk;
    let shown = &path.shown;
    let exists = disk.exists();
    if flag("must_exist", true) && !exists {
        return Err(format!("File must exist but does not: {shown}"));
    }
    if !flag("must_exist", true) && exists {
        return Err(format!("File must not exist but does: {shown}"));
    }
    if flag("must_be_file", false) && !disk.is_file() {
        return Err(format!("Path must be a file: {shown}"));
    }
    if flag("must_be_dir", false) && !disk.is_dir() {
        return Err(format!("Path must be a directory: {shown}"));
    }
    if disk.is_file() {
        let size = std::fs::metadata(disk).map(|m| m.len()).unwrap_or(0);
        if let Some(min) = criteria.get("min_size").and_then(Value::as_u64)
            && size < min
        {
            return Err(format!("File too small: {size} < {min} bytes"));
        }
        if let Some(max) = criteria.get("max_size").and_then(Value::as_u64)
            && size > max
        {
            return Err(format!("File too large: {size} > {max} bytes"));
        }
    }
    if flag("must_be_readable", false) && std::fs::read(disk).is_err() {
        return Err(format!("File must be readable: {shown}"));
    }
    if flag("must_be_writable", false) {
        let writable = if exists {
            std::fs::metadata(disk).is_ok_and(|m| !m.permissions().readonly())
        } else {
            disk.parent().is_some_and(Path::is_dir)
        };
        if !writable {
            return Err(format!("File must be writable: {shown}"));
        }
    }
    Ok(())
}

/// `convert`'s formats.
fn convert(content: &str, format: &str) -> Result<String, RunError> {
    match format {
        "csv_to_json" => {
            let mut lines = content.split('\n').filter(|l| !l.is_empty());
            let Some(header) = lines.next() else {
                return Ok("[]".to_owned());
            };
            let headers: Vec<&str> = header.split(',').map(str::trim).collect();
            let rows: Vec<Value> = lines
                .map(|row| {
                    let values = row.split(',').map(str::trim);
                    Value::Object(
                        headers
                            .iter()
                            .zip(values)
                            .map(|(h, v)| ((*h).to_owned(), Value::String(v.to_owned())))
                            .collect(),
                    )
                })
                .collect();
            Ok(Value::Array(rows).to_string())
        }
        "json_to_csv" => match serde_json::from_str::<Value>(content) {
            Ok(Value::Array(items)) if items.first().is_some_and(Value::is_object) => {
                let headers: Vec<String> = items[0]
                    .as_object()
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default();
                let mut lines = vec![headers.join(",")];
                for item in &items {
                    let cells: Vec<String> = headers
                        .iter()
                        .map(|h| item.get(h).map(text).unwrap_or_default())
                        .collect();
                    lines.push(cells.join(","));
                }
                Ok(lines.join("\n"))
            }
            Ok(_) => Err(failed("JSON must be an array of objects for CSV conversion".to_owned())),
            Err(e) => Err(failed(format!("JSON parsing failed: {e}"))),
        },
        "yaml_to_json" => yaml_to_json(content)
            .map(|v| v.to_string())
            .ok_or_else(|| failed("YAML parsing failed".to_owned())),
        "json_to_yaml" => Err(failed(
            "JSON to YAML conversion not yet implemented - YamlElixir write functionality not available".to_owned(),
        )),
        "xml_to_json" => Err(failed("XML to JSON conversion not yet implemented".to_owned())),
        "json_to_xml" => Err(failed("JSON to XML conversion not yet implemented".to_owned())),
        other => Err(failed(format!("Unsupported format conversion: {other}"))),
    }
}
