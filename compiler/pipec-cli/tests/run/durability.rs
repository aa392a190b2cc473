//! Checkpoints through the binary: resume after a failure, replay from a step, and a run
//! killed with SIGKILL mid-pipeline that resumes with no finished step called again and the
//! same final output.

use std::process::Stdio;
use std::time::{Duration, Instant};

use pipec_fake_provider::{Config, Rule};
use serde_json::json;

use crate::common::{
    document, env, fake, pipec, pipec_command, requests_containing, scratch, stderr,
};

/// Six steps in a chain, each prompt marked `step-N`.
fn chain() -> String {
    let mut text = String::from(
        "pipec: 1\nname: chain\nmodels: {m: {provider: openai, model: gpt-4o-mini, max_tokens: 50}}\ndefaults: {model: m}\nsteps:\n  - {id: s1, kind: llm, prompt: \"step-1\"}\n",
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

#[test]
fn a_failed_run_resumes_and_a_finished_run_replays_from_a_step() {
    let fake = fake(Config {
        rules: vec![Rule {
            contains: "step-4".into(),
            status: Some(503),
            message: Some("down for the test".into()),
            ..Rule::default()
        }],
        ..Config::default()
    });
    let dir = scratch("resume");
    std::fs::write(dir.join("chain.yaml"), chain()).unwrap();
    let env = env(&fake.server);
    let out = pipec(
        &dir,
        &env,
        &["run", "chain.yaml", "--run-id", "first", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let doc = document(&out);
    assert_eq!(doc["errors"][0]["code"], json!("P0705"));
    assert_eq!(doc["errors"][0]["step"], json!("s4"));
    assert_eq!(fake.server.stats().requests, 4);

    fake.server.set_config(Config::default());
    let out = pipec(
        &dir,
        &env,
        &["run", "chain.yaml", "--resume", "first", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let resumed = document(&out);
    assert_eq!(resumed["summary"]["restored"], json!(3));
    for n in 1..=3 {
        assert_eq!(requests_containing(&fake.server, &format!("step-{n}")), 1);
    }
    assert_eq!(requests_containing(&fake.server, "step-4"), 2);

    let out = pipec(
        &dir,
        &env,
        &["replay", "first", "--from", "s5", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let replayed = document(&out);
    assert_eq!(replayed["outputs"], resumed["outputs"]);
    assert_ne!(replayed["run_id"], resumed["run_id"]);
    assert_eq!(replayed["summary"]["restored"], json!(4));
    assert_eq!(requests_containing(&fake.server, "step-4"), 2);
    assert_eq!(requests_containing(&fake.server, "step-5"), 2);

    let out = pipec(&dir, &env, &["run", "chain.yaml", "--resume", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error[P0713]"), "{}", stderr(&out));
    // An edited pipeline is not resumed.
    std::fs::write(
        dir.join("chain.yaml"),
        chain().replace("step-6", "step-six"),
    )
    .unwrap();
    let out = pipec(&dir, &env, &["run", "chain.yaml", "--resume", "first"]);
    assert!(stderr(&out).contains("error[P0714]"), "{}", stderr(&out));
}

#[test]
fn a_run_killed_with_sigkill_resumes_without_calling_a_finished_step_again() {
    let fake = fake(Config {
        latency_ms: 250,
        ..Config::default()
    });
    let dir = scratch("sigkill");
    std::fs::write(dir.join("chain.yaml"), chain()).unwrap();
    let env = env(&fake.server);

    let mut child = pipec_command(
        &dir,
        &env,
        &[
            "run",
            "chain.yaml",
            "--run-id",
            "killed",
            "--events",
            "ev.jsonl",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let finished = std::fs::read_to_string(dir.join("ev.jsonl"))
            .map(|t| t.matches("\"step_finished\"").count())
            .unwrap_or(0);
        if finished >= 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the run never finished two steps"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it was killed"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    // What the checkpoint holds is what finished.
    let db = rusqlite::Connection::open(dir.join(".pipec/runs.sqlite")).unwrap();
    let finished: Vec<String> = db
        .prepare("SELECT key FROM steps WHERE run_id = 'killed' ORDER BY seq")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(finished.len() >= 2 && finished.len() < 6, "{finished:?}");
    let status: String = db
        .query_row("SELECT status FROM runs WHERE run_id = 'killed'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(status, "running");
    drop(db);

    let out = pipec(
        &dir,
        &env,
        &[
            "run",
            "chain.yaml",
            "--resume",
            "killed",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let resumed = document(&out);
    assert_eq!(resumed["summary"]["restored"], json!(finished.len()));
    for key in &finished {
        let n = key.trim_start_matches('s');
        assert_eq!(
            requests_containing(&fake.server, &format!("step-{n}")),
            1,
            "finished step {key} was called again"
        );
    }

    // The same final output as a run that was never killed.
    let out = pipec(
        &dir,
        &env,
        &["run", "chain.yaml", "--run-id", "clean", "--format", "json"],
    );
    assert_eq!(document(&out)["outputs"], resumed["outputs"]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn ctrl_c_cancels_cleanly_and_the_run_resumes() {
    let fake = fake(Config {
        latency_ms: 250,
        ..Config::default()
    });
    let dir = scratch("sigint");
    std::fs::write(dir.join("chain.yaml"), chain()).unwrap();
    let env = env(&fake.server);
    let child = pipec_command(
        &dir,
        &env,
        &[
            "run",
            "chain.yaml",
            "--run-id",
            "stopped",
            "--events",
            "ev.jsonl",
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::read_to_string(dir.join("ev.jsonl"))
        .map(|t| t.matches("\"step_finished\"").count())
        .unwrap_or(0)
        < 2
    {
        assert!(
            Instant::now() < deadline,
            "the run never finished two steps"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("error[P0717]"), "{err}");
    assert!(
        err.contains("resume with `pipec run chain.yaml --resume stopped"),
        "{err}"
    );
    let events = std::fs::read_to_string(dir.join("ev.jsonl")).unwrap();
    assert!(events.contains("\"status\":\"cancelled\""), "{events}");

    let out = pipec(
        &dir,
        &env,
        &[
            "run",
            "chain.yaml",
            "--resume",
            "stopped",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let restored = document(&out)["summary"]["restored"].as_u64().unwrap();
    assert!(restored >= 2, "{restored}");
    for n in 1..=6 {
        assert!(requests_containing(&fake.server, &format!("step-{n}")) <= 2);
    }
    assert_eq!(requests_containing(&fake.server, "step-1"), 1);
    std::fs::remove_dir_all(&dir).ok();
}
