//! The runtime's options in a generated binary, on a six-step chain: `--events` writes the
//! run's events as JSON Lines, `--resume` continues a failed run from its checkpoint without
//! calling a finished step again, `--batch` runs at most `--concurrency` pipelines at once
//! (the fake server counts the requests in flight) and draws its progress bar on a terminal,
//! and a crate built against another runtime version is refused at start-up (P0850).

use std::path::Path;
use std::process::Command;

use pipec_fake_provider::{Config, Rule};
use serde_json::{Value, json};

use crate::common::{document, env, fake, requests_containing, scratch, stderr, stdout};
use crate::support::{binary, build, pipec_build, target_dir};

/// Six steps in a chain named `name`, each prompt marked `step-N`. Each test names its
/// chain differently: the crates share a target directory, where a binary is named after
/// its crate.
fn chain(name: &str) -> String {
    let mut text = format!(
        "pipec: 1\nname: {name}\nmodels: {{m: {{provider: openai, model: gpt-4o-mini, max_tokens: 50}}}}\ndefaults: {{model: m}}\nsteps:\n  - {{id: s1, kind: llm, prompt: \"step-1\"}}\n",
    );
    for n in 2..=6 {
        text.push_str(&format!(
            "  - {{id: s{n}, kind: llm, prompt: \"step-{n} after {{{{ steps.s{} }}}}\"}}\n",
            n - 1
        ));
    }
    text.push_str("outputs: {last: steps.s6}\n");
    text
}

fn chain_binary(dir: &Path, name: &str) -> std::path::PathBuf {
    std::fs::write(dir.join("chain.pipec.yaml"), chain(name)).unwrap();
    build(dir, "chain.pipec.yaml", &dir.join("chain"))
}

#[test]
fn events_and_resume_work_in_a_generated_binary() {
    let fake = fake(Config {
        rules: vec![Rule {
            contains: "step-4".into(),
            status: Some(503),
            message: Some("down for the test".into()),
            ..Rule::default()
        }],
        ..Config::default()
    });
    let env = env(&fake.server);
    let dir = scratch("build-resume");
    let bin = chain_binary(&dir, "chain_resume");
    let failed = binary(
        &bin,
        &dir,
        &env,
        &["--json", "--events", "events.jsonl", "--db", "chain.sqlite"],
    );
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    let doc = document(&failed);
    assert_eq!(doc["errors"][0]["code"], json!("P0705"), "{doc}");
    assert_eq!(doc["errors"][0]["step"], json!("s4"));
    let run_id = doc["run_id"].as_str().unwrap().to_owned();

    let events: Vec<Value> = std::fs::read_to_string(dir.join("events.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events[0]["event"], "run_started");
    assert_eq!(events[0]["run_id"], json!(run_id));
    let finished: Vec<&Value> = events
        .iter()
        .filter(|e| e["event"] == "step_finished")
        .map(|e| &e["step"])
        .collect();
    assert_eq!(finished, [&json!("s1"), &json!("s2"), &json!("s3")]);
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "step_failed" && e["step"] == "s4")
    );

    fake.server.set_config(Config::default());
    let resumed = binary(
        &bin,
        &dir,
        &env,
        &["--resume", &run_id, "--json", "--db", "chain.sqlite"],
    );
    assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
    let doc = document(&resumed);
    assert_eq!(doc["status"], "succeeded", "{doc}");
    assert_eq!(doc["run_id"], json!(run_id));
    assert_eq!(doc["summary"]["restored"], json!(3));
    for n in 1..=3 {
        assert_eq!(
            requests_containing(&fake.server, &format!("step-{n}")),
            1,
            "step-{n}"
        );
    }
    assert_eq!(requests_containing(&fake.server, "step-6"), 1);

    let unknown = binary(
        &bin,
        &dir,
        &env,
        &["--resume", "nope", "--db", "chain.sqlite"],
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("error[P0713]"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn batch_runs_at_most_concurrency_pipelines_at_once_and_draws_a_progress_bar() {
    let fake = fake(Config {
        latency_ms: 40,
        ..Config::default()
    });
    let env = env(&fake.server);
    let dir = scratch("build-batch");
    let bin = chain_binary(&dir, "chain_batch");
    std::fs::write(dir.join("in.jsonl"), "{}\n".repeat(6)).unwrap();
    let out = binary(
        &bin,
        &dir,
        &env,
        &[
            "--batch",
            "in.jsonl",
            "--out",
            "out.jsonl",
            "--concurrency",
            "2",
            "--db",
            "b.sqlite",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("batch: 6 runs, 6 succeeded, 0 failed"),
        "{}",
        stderr(&out)
    );
    // Not a terminal: no bar.
    assert!(!stderr(&out).contains('['), "{}", stderr(&out));
    let stats = fake.server.stats();
    assert_eq!(stats.requests, 36);
    // Each run's steps are a chain (one request at a time), so two runs at once is two.
    assert_eq!(stats.max_in_flight, 2, "{stats:?}");
    let lines: Vec<Value> = std::fs::read_to_string(dir.join("out.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let numbers: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
    assert!(lines.iter().all(|l| l["status"] == "succeeded"));

    // On a terminal (util-linux `script` gives the binary a pseudo-terminal) the bar is drawn.
    fake.server.reset();
    let command = format!(
        "{} --batch in.jsonl --out tty.jsonl --concurrency 3 --db b.sqlite",
        bin.display()
    );
    let tty = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(&dir)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    let screen = stdout(&tty);
    assert_eq!(tty.status.code(), Some(0), "{screen}");
    assert!(
        screen.contains(&format!("[{}] 0/6 (0 failed)", " ".repeat(30))),
        "{screen:?}"
    );
    assert!(
        screen.contains(&format!(
            "\r[{}{}] 3/6 (0 failed)",
            "#".repeat(15),
            " ".repeat(15)
        )),
        "{screen:?}"
    );
    assert!(
        screen.contains(&format!("\r[{}] 6/6 (0 failed)", "#".repeat(30))),
        "{screen:?}"
    );
    assert_eq!(fake.server.stats().max_in_flight, 3);
}

#[test]
fn a_crate_built_against_another_runtime_version_is_refused_with_p0850() {
    let fake = fake(Config::default());
    let dir = scratch("build-skew");
    std::fs::write(dir.join("chain.pipec.yaml"), chain("chain_skew")).unwrap();
    let out = dir.join("skewed");
    let written = pipec_build(&dir, "chain.pipec.yaml", &out, &["--no-compile"]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    // The crate as an older pipec would have generated it, built against this runtime.
    let pipeline = out.join("src/pipeline.rs");
    let text = std::fs::read_to_string(&pipeline).unwrap();
    let recorded = format!(
        "pub const PIPEC_VERSION: &str = \"{}\";",
        env!("CARGO_PKG_VERSION")
    );
    assert!(text.contains(&recorded), "{text}");
    std::fs::write(
        &pipeline,
        text.replace(&recorded, "pub const PIPEC_VERSION: &str = \"0.0.9\";"),
    )
    .unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let built = Command::new(cargo)
        .args([
            "build",
            "--offline",
            "--message-format=short",
            "--manifest-path",
        ])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", stderr(&built));
    let bin = target_dir().join("debug/chain_skew");
    let run = binary(&bin, &dir, &env(&fake.server), &["--db", "skew.sqlite"]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    let log = stderr(&run);
    assert!(
        log.contains(&format!(
            "error[P0850]: this crate was generated by pipec 0.0.9 but is linked with the pipec {} runtime",
            env!("CARGO_PKG_VERSION")
        )),
        "{log}"
    );
    assert!(log.contains("= help: regenerate it with pipec"), "{log}");
    assert_eq!(fake.server.stats().requests, 0, "no model was called");
}
