//! Migrated pipeline_ex files run: `pipec migrate` on corpus files, then `pipec run` on the
//! result against the fake provider (Anthropic and Gemini wire formats), with the inputs
//! the migration declared. Shows that the result shapes, conditions, loops and nested
//! pipelines the migration writes hold at run time, not only in the checker.

use pipec_fake_provider::Config;

use crate::common::{document, env, fake, pipec, repo_root, scratch, stderr};

/// Corpus files, the inputs they run with, and the model calls the run makes.
const MIGRATED: &[(&str, &str, u64)] = &[
    (
        "examples/comprehensive_config_example.yaml",
        r#"{"config": "defmodule Config do end", "documentation": "docs"}"#,
        6,
    ),
    (
        "workflows/fix_bug.yaml",
        r#"{"error_log": "** (ArithmeticError) bad argument"}"#,
        3,
    ),
    // A while_loop over variables: `init_variables`, five iterations of three calls.
    (
        "research_paper_improvement_native_loop.yaml",
        r#"{"input_file": "the paper", "timestamp": "t"}"#,
        15,
    ),
    ("test/fixtures/pipelines/test_nested_basic.yaml", "{}", 0),
];

#[test]
fn migrated_corpus_files_run_against_the_fake_provider() {
    let fake = fake(Config::default());
    let env = env(&fake.server);
    let corpus = repo_root().join("../shared/corpus/pipeline_ex");
    for (path, inputs, calls) in MIGRATED {
        let dir = scratch("migrated");
        let source = corpus.join(path);
        let migrated = dir.join("migrated.pipec.yaml");
        let out = pipec(
            &dir,
            &env,
            &[
                "migrate",
                source.to_str().unwrap(),
                "-o",
                migrated.to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{path}: {}", stderr(&out));
        let out = pipec(
            &dir,
            &env,
            &[
                "run",
                "migrated.pipec.yaml",
                "--inputs",
                inputs,
                "--format",
                "json",
            ],
        );
        let doc = document(&out);
        assert_eq!(
            doc["status"],
            "succeeded",
            "{path}: {doc}\n{}",
            stderr(&out)
        );
        assert_eq!(doc["summary"]["calls"], *calls, "{path}: {doc}");
    }
}
