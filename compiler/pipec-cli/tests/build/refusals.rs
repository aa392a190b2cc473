//! What `pipec build` does before cargo: a pipeline with errors is refused with its
//! diagnostics and nothing is written; `--no-compile` writes the crate `pipec-codegen`
//! generates, byte for byte, and prints its directory without running cargo.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{repo_root, scratch, stderr, stdout};
use crate::support::pipec_build;

#[test]
fn a_pipeline_with_errors_is_refused_with_its_diagnostics_and_nothing_is_written() {
    let dir = scratch("build-refused");
    std::fs::write(
        dir.join("broken.pipec.yaml"),
        "pipec: 1\nname: broken\ninputs: {text: str}\nsteps:\n  - id: up\n    kind: set\n    vars: {x: \"{{ inputs.txet }}\"}\noutputs:\n  text: inputs.text\n",
    )
    .unwrap();
    let out = dir.join("crate");
    let output = pipec_build(&dir, "broken.pipec.yaml", &out, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let log = stderr(&output);
    assert!(log.contains("error[P0204]"), "{log}");
    assert!(log.contains("broken.pipec.yaml:7:"), "{log}");
    assert!(
        log.contains("`broken.pipec.yaml` has 1 error(s); not building it"),
        "{log}"
    );
    assert_eq!(stdout(&output), "");
    assert!(!out.exists(), "a refused build wrote {}", out.display());
}

/// Every file under `root`, by its path relative to it.
fn tree(root: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(relative, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn no_compile_writes_the_generated_crate_and_prints_its_directory() {
    let dir = scratch("build-no-compile");
    let example = repo_root().join("examples/router.pipec.yaml");
    let out = dir.join("router");
    let output = pipec_build(
        &dir,
        example.to_str().unwrap(),
        &out,
        &["--no-compile", "--target", "rust"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), out.display().to_string());
    let written = tree(&out);
    assert!(!out.join("target").exists(), "cargo ran");
    // The generated files, plus the lock file seeded from this repository's.
    let mut paths: Vec<&str> = written.keys().map(String::as_str).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "Cargo.lock",
            "Cargo.toml",
            "pipeline/router.pipec.yaml",
            "pipeline/router/bug_triage.pipec.yaml",
            "pipeline/router/feature_request.pipec.yaml",
            "src/lib.rs",
            "src/main.rs",
            "src/pipeline.rs",
            "src/types.rs",
        ]
    );
    // Inside the repository the runtime is the in-tree crate, by path.
    let runtime = repo_root().join("runtime/app").canonicalize().unwrap();
    assert!(
        written["Cargo.toml"].contains(&format!(
            "pipec-app = {{ path = \"{}\" }}",
            runtime.display()
        )),
        "{}",
        written["Cargo.toml"]
    );
    assert_eq!(
        written["pipeline/router/bug_triage.pipec.yaml"],
        std::fs::read_to_string(repo_root().join("examples/router/bug_triage.pipec.yaml")).unwrap()
    );

    // Writing again leaves unchanged files untouched (cargo sees nothing new).
    let before = std::fs::metadata(out.join("src/types.rs"))
        .unwrap()
        .modified()
        .unwrap();
    let again = pipec_build(&dir, example.to_str().unwrap(), &out, &["--no-compile"]);
    assert_eq!(again.status.code(), Some(0));
    let after = std::fs::metadata(out.join("src/types.rs"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);

    // `--lib` writes no main and no clap.
    let lib = dir.join("router-lib");
    let output = pipec_build(
        &dir,
        example.to_str().unwrap(),
        &lib,
        &["--no-compile", "--lib"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!lib.join("src/main.rs").exists());
    assert!(
        !std::fs::read_to_string(lib.join("Cargo.toml"))
            .unwrap()
            .contains("clap")
    );
}
