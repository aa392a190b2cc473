//! What several integration tests share: the repository's files, and the comparison of two
//! pipelines' IRs with spans removed (the one thing allowed to differ between forms).

#![allow(dead_code, reason = "each test binary uses a part of it")]

use std::path::{Path, PathBuf};

use pipec_check::{InputFile, MemoryLoader, check};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` (recursively), as paths relative to it, sorted.
pub fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// A loader holding every file under `dir`, by relative path.
pub fn loader_for(dir: &Path) -> MemoryLoader {
    let mut loader = MemoryLoader::new();
    for rel in files_under(dir) {
        if let Ok(bytes) = std::fs::read(dir.join(&rel)) {
            loader.insert(&rel, bytes);
        }
    }
    loader
}

/// Check `bytes` as the file `name` with `loader`: the span-free rendering of its pipeline
/// (`None` when it did not lower) and its diagnostic codes.
pub fn lower(
    name: &str,
    bytes: Vec<u8>,
    loader: &mut MemoryLoader,
) -> (Option<String>, Vec<String>) {
    let result = check(
        vec![InputFile {
            name: name.to_owned(),
            bytes,
        }],
        loader,
    );
    let codes = result
        .diagnostics
        .iter()
        .map(|d| d.code.as_str().to_owned())
        .collect();
    let ir = result
        .pipelines
        .first()
        .and_then(|(_, p)| p.as_ref())
        .map(|p| without_spans(&format!("{p:#?}")));
    (ir, codes)
}

/// Check `bytes` as the file `name`: its pipeline, when it lowered.
pub fn pipeline(
    name: &str,
    bytes: Vec<u8>,
    loader: &mut MemoryLoader,
) -> Option<pipec_ir::Pipeline> {
    let result = check(
        vec![InputFile {
            name: name.to_owned(),
            bytes,
        }],
        loader,
    );
    result.pipelines.into_iter().next().and_then(|(_, p)| p)
}

/// Panic with the first differing lines of two renderings.
pub fn assert_same(what: &str, a: &str, b: &str) {
    if a == b {
        return;
    }
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let first = (0..la.len().max(lb.len()))
        .find(|&i| la.get(i) != lb.get(i))
        .unwrap_or(0);
    let context = |lines: &[&str]| {
        lines
            .iter()
            .skip(first.saturating_sub(8))
            .take(16)
            .copied()
            .collect::<Vec<_>>()
            .join("\n")
    };
    panic!(
        "{what}: they differ from line {first}:\n--- first\n{}\n--- second\n{}",
        context(&la),
        context(&lb)
    );
}

/// The Debug rendering with every span, range and file id replaced by `_`.
pub fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while !rest.is_empty() {
        if rest.starts_with('"') {
            // A string is copied as it is, escapes included.
            let mut end = 1;
            let bytes = rest.as_bytes();
            while end < bytes.len() && bytes[end] != b'"' {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            let end = (end + 1).min(rest.len());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        } else if let Some(after) = rest.strip_prefix("Span {") {
            let close = after.find('}').unwrap_or(after.len());
            out.push('_');
            rest = after.get(close + 1..).unwrap_or("");
        } else if let Some(after) = rest.strip_prefix("FileId(") {
            let close = after.find(')').unwrap_or(after.len());
            out.push('_');
            rest = after.get(close + 1..).unwrap_or("");
        } else if rest.starts_with(|c: char| c.is_ascii_digit()) {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            let after = &rest[digits..];
            if let Some(end) = after.strip_prefix("..") {
                let more = end.find(|c: char| !c.is_ascii_digit()).unwrap_or(end.len());
                out.push('_');
                rest = &end[more..];
            } else {
                out.push_str(&rest[..digits]);
                rest = after;
            }
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}
