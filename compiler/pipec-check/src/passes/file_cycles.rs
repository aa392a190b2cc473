//! Cycles among pipeline files (`pipeline_file:` / `file:`), including a file that calls
//! itself. pipeline_ex only notices these at run time, by comparing workflow names, after
//! it has already spent calls; pipec reports the whole chain with one label per call.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use pipec_diagnostics::{Code, Diagnostic, Diagnostics, FileId};

use super::{FileCall, Program};

/// Report every distinct file cycle once.
pub fn check(program: &Program<'_>, diagnostics: &mut Diagnostics) {
    let mut graph: HashMap<FileId, Vec<&FileCall>> = HashMap::default();
    for call in program.calls {
        graph.entry(call.from).or_default().push(call);
    }
    let mut reported: HashSet<Vec<FileId>> = HashSet::default();
    let mut files: Vec<FileId> = graph.keys().copied().collect();
    files.sort_unstable();
    for start in files {
        // Depth-first search for paths back to `start`, iteratively.
        let mut stack: Vec<(FileId, usize)> = vec![(start, 0)];
        let mut path: Vec<&FileCall> = Vec::new();
        let mut on_path: HashSet<FileId> = HashSet::from_iter([start]);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let calls = graph.get(&node).map_or(&[][..], Vec::as_slice);
            let Some(&call) = calls.get(*next) else {
                stack.pop();
                path.pop();
                on_path.remove(&node);
                continue;
            };
            *next += 1;
            if call.to == start {
                let mut cycle: Vec<&FileCall> = path.clone();
                cycle.push(call);
                let mut key: Vec<FileId> = cycle.iter().map(|c| c.from).collect();
                // A cycle is the same whichever file it is entered from.
                let min = key.iter().copied().min().unwrap_or(start);
                let pos = key.iter().position(|&f| f == min).unwrap_or(0);
                key.rotate_left(pos);
                if reported.insert(key) {
                    report(program, &cycle, diagnostics);
                }
            } else if call.to > start && !on_path.contains(&call.to) {
                // Only cycles whose smallest file is `start` are searched from `start`.
                on_path.insert(call.to);
                path.push(call);
                stack.push((call.to, 0));
            }
        }
    }
}

fn report(program: &Program<'_>, cycle: &[&FileCall], diagnostics: &mut Diagnostics) {
    let Some(first) = cycle.first() else { return };
    let mut names: Vec<&str> = cycle.iter().map(|c| program.file_name(c.from)).collect();
    names.push(program.file_name(first.from));
    let message = if cycle.len() == 1 {
        format!("pipeline file `{}` calls itself", names[0])
    } else {
        format!(
            "pipeline files call each other in a cycle: {}",
            names.join(" → ")
        )
    };
    let mut diagnostic =
        Diagnostic::new(Code::P0301, first.span, message).with_primary_label(format!(
            "`{}` calls `{}` here",
            program.file_name(first.from),
            program.file_name(first.to)
        ));
    for call in cycle.iter().skip(1) {
        diagnostic = diagnostic.with_label(
            call.span,
            format!(
                "`{}` calls `{}` here",
                program.file_name(call.from),
                program.file_name(call.to)
            ),
        );
    }
    diagnostics.push(
        diagnostic
            .with_note(
                "running it would recurse until a depth limit stops it, after spending LLM calls",
            )
            .with_help("break the cycle, or turn the repetition into a bounded `loop`"),
    );
}
