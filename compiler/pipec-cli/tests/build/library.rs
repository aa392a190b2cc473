//! `pipec build --lib`: a library crate (no binary, no clap) built without warnings, whose
//! typed pipeline function another crate calls — typed inputs in, typed outputs out —
//! giving the outputs `pipec run` gives.

use std::process::Command;

use pipec_fake_provider::Config;

use crate::common::{env, fake, pipec, repo_root, scratch, stderr, stdout};
use crate::support::{build_with, outputs, target_dir};

/// The caller: `runner` once, then the typed `run`.
const CALLER: &str = r#"//! Calls the generated library's typed pipeline function.
use std::sync::Arc;

use pipec_app::pipec_runtime::executor::RunConfig;
use pipec_app::pipec_runtime::providers::{ProcessEnv, ProviderRegistry};
use rag_qa_lib::types::{RagQaLibInputs, RagQaLibOutputs};

#[tokio::main]
async fn main() {
    let config = RunConfig::new(Arc::new(ProviderRegistry::new(ProcessEnv)));
    let runner = rag_qa_lib::runner(config).unwrap();
    let inputs = RagQaLibInputs {
        question: "What is pipec?".to_owned(),
        passages: vec!["pipec checks pipelines.".to_owned(), "It runs them too.".to_owned()],
    };
    let outputs: RagQaLibOutputs = rag_qa_lib::run(&runner, &inputs).await.unwrap();
    println!("{}", serde_json::to_string(&outputs).unwrap());
}
"#;

#[test]
fn a_library_crate_exposes_the_typed_pipeline_function() {
    let fake = fake(Config::default());
    let env = env(&fake.server);
    let dir = scratch("build-lib");
    // rag_qa under its own name: the test crates share a target directory.
    let text = std::fs::read_to_string(repo_root().join("examples/rag_qa.pipec.yaml")).unwrap();
    assert!(text.contains("name: rag_qa\n"));
    std::fs::write(
        dir.join("rag_qa_lib.pipec.yaml"),
        text.replace("name: rag_qa\n", "name: rag_qa_lib\n"),
    )
    .unwrap();
    let lib = dir.join("rag_qa_lib");
    let rlib = build_with(&dir, "rag_qa_lib.pipec.yaml", &lib, &["--lib"]);
    assert!(
        rlib.to_string_lossy().ends_with("librag_qa_lib.rlib"),
        "{}",
        rlib.display()
    );
    assert!(!lib.join("src/main.rs").exists());

    let caller = dir.join("caller");
    std::fs::create_dir_all(caller.join("src")).unwrap();
    std::fs::write(
        caller.join("Cargo.toml"),
        format!(
            "[package]\nname = \"rag_qa_caller\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nrag_qa_lib = {{ path = \"{}\" }}\npipec-app = {{ path = \"{}\" }}\nserde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n[workspace]\n",
            lib.display(),
            repo_root().join("runtime/app").canonicalize().unwrap().display()
        ),
    )
    .unwrap();
    std::fs::write(caller.join("src/main.rs"), CALLER).unwrap();
    // The library's lock file holds every crate the caller needs, so it builds offline.
    std::fs::copy(lib.join("Cargo.lock"), caller.join("Cargo.lock")).unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let built = Command::new(cargo)
        .args([
            "build",
            "--offline",
            "--message-format=short",
            "--manifest-path",
        ])
        .arg(caller.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", stderr(&built));
    let called = Command::new(target_dir().join("debug/rag_qa_caller"))
        .current_dir(&dir)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    assert!(called.status.success(), "{}", stderr(&called));
    let got: serde_json::Value = serde_json::from_str(stdout(&called).trim()).unwrap();
    let expected = outputs(&pipec(
        &dir,
        &env,
        &[
            "run",
            "rag_qa_lib.pipec.yaml",
            "--inputs",
            r#"{"question": "What is pipec?", "passages": ["pipec checks pipelines.", "It runs them too."]}"#,
            "--format",
            "json",
        ],
    ));
    assert_eq!(got, expected);
}
