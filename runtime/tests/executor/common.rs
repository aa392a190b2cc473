//! Helpers: check a pipeline into a program, point every provider at a fake server, run.

use std::sync::Arc;
use std::time::Duration;

use pipec_check::{InputFile, MemoryLoader, check};
use pipec_fake_provider::{Config, FakeServer};
use pipec_runtime::checkpoint::{CheckpointStore, MemoryStore};
use pipec_runtime::events::Recorded;
use pipec_runtime::executor::{Executor, Program, RunConfig, RunFailure, RunIdentity, RunOutcome};
use pipec_runtime::providers::{ProviderRegistry, RetryPolicy};
use serde_json::{Map, Value};

pub async fn server(config: Config) -> FakeServer {
    FakeServer::start(config).await.unwrap()
}

/// The program of `main.yaml` (and the other files, by name), which must check clean.
pub fn program_of(files: &[(&str, &str)]) -> Program {
    let mut loader = MemoryLoader::new();
    for (name, text) in files {
        loader.insert(name, *text);
    }
    let (main_name, main_text) = files[0];
    let result = check(
        vec![InputFile {
            name: main_name.into(),
            bytes: main_text.as_bytes().to_vec(),
        }],
        &mut loader,
    );
    let errors: Vec<String> = result
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(
        errors.is_empty(),
        "the test pipeline has errors: {errors:?}"
    );
    let mut pipelines = result.pipelines.iter().filter_map(|(_, p)| p.as_ref());
    let mut program = Program::new(pipelines.next().unwrap().clone());
    for pipeline in pipelines {
        program.add_file(pipeline.clone());
    }
    for (id, file) in result.sources.iter() {
        program.add_source(id, file.name(), file.text());
    }
    // `file:` paths: resolve them as the CLI does.
    for (_, pipeline) in result
        .pipelines
        .iter()
        .filter_map(|(id, p)| Some((id, p.as_ref()?)))
    {
        let from = result.sources.get(pipeline.file).unwrap().name().to_owned();
        add_calls(&mut program, &result.sources, &from, &pipeline.steps);
    }
    program
}

fn add_calls(
    program: &mut Program,
    sources: &pipec_diagnostics::SourceMap,
    from: &str,
    steps: &[pipec_ir::Step],
) {
    use pipec_ir::{PipelineSource, StepKind};
    for step in steps {
        match &step.kind {
            StepKind::Pipeline {
                source: PipelineSource::File(path),
                ..
            } => {
                let target = pipec_check::driver::resolve_relative(from, &path.text);
                let (id, _) = sources.iter().find(|(_, f)| f.name() == target).unwrap();
                program.add_call(path.span, id);
            }
            StepKind::Branch { cases, default } => {
                for case in cases {
                    add_calls(program, sources, from, &case.steps);
                }
                add_calls(program, sources, from, default);
            }
            StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => {
                add_calls(program, sources, from, steps);
            }
            _ => {}
        }
    }
}

pub fn program(yaml: &str) -> Program {
    program_of(&[("main.yaml", yaml)])
}

/// Every provider name pointed at `server`.
pub fn registry(server: &FakeServer) -> ProviderRegistry {
    let openai = format!("{}/v1", server.url());
    let url = server.url();
    let env: Vec<(String, String)> = vec![
        ("OPENAI_BASE_URL".into(), openai.clone()),
        ("ANTHROPIC_BASE_URL".into(), url.clone()),
        ("ANTHROPIC_API_KEY".into(), "k".into()),
        ("GEMINI_BASE_URL".into(), url),
        ("GEMINI_API_KEY".into(), "k".into()),
        ("OLLAMA_BASE_URL".into(), openai),
    ];
    ProviderRegistry::new(move |name: &str| {
        env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    })
}

/// Retries that wait at most a few milliseconds.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(5),
        ..RetryPolicy::default()
    }
}

/// A run configuration against `server`, with a memory store and recorded events.
pub struct Harness {
    pub config: RunConfig,
    pub store: Arc<MemoryStore>,
    pub events: Arc<Recorded>,
}

pub fn harness(server: &FakeServer) -> Harness {
    let store = Arc::new(MemoryStore::new());
    let events = Arc::new(Recorded::default());
    let mut config = RunConfig::new(Arc::new(registry(server)));
    config.retry = quick_retries();
    config.store = Some(store.clone() as Arc<dyn CheckpointStore>);
    config.events = Some(events.clone());
    Harness {
        config,
        store,
        events,
    }
}

pub fn identity(run_id: &str) -> RunIdentity {
    RunIdentity {
        run_id: run_id.into(),
        pipeline_hash: "hash".into(),
        file: "main.yaml".into(),
    }
}

pub fn inputs(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Runs `program` with `config` and `inputs`.
pub async fn run(
    program: &Program,
    config: &RunConfig,
    run_id: &str,
    given: Value,
) -> Result<RunOutcome, RunFailure> {
    Executor::new(program, config.clone())
        .run(identity(run_id), inputs(given))
        .await
}

/// The one error of a failed run.
pub fn only_error(failure: &RunFailure) -> &pipec_runtime::executor::RunError {
    assert_eq!(failure.errors.len(), 1, "{:?}", failure.errors);
    &failure.errors[0]
}

/// All text of a recorded request body (every string in it), to tell prompts apart.
pub fn body_text(body: &Value) -> String {
    let mut out = String::new();
    collect(body, &mut out);
    out
}

fn collect(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// How many recorded requests contain `needle`.
pub fn requests_containing(server: &FakeServer, needle: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| body_text(&r.body).contains(needle))
        .count()
}
