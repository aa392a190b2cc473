//! Running a list of sibling steps as a dependency graph: every step starts as soon as the
//! siblings it waits for ([`dependencies`]) have finished, so independent steps run at
//! the same time. They run as futures of one task (no spawning), so they can borrow the
//! pipeline; the concurrency that matters here is waiting on model calls.
//!
//! When a step fails, no new sibling starts; the ones already running are allowed to
//! finish (and be checkpointed, so a resume does not pay for them again), then the first
//! error is returned. Dropping the future (Ctrl-C, the run's time limit) cancels them all.
//!
//! pipeline_ex steps run one after another, as pipeline_ex runs them (a step may read what
//! any earlier one left, through `{{ }}` anywhere in its mapping): each waits for the one
//! before it.

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use pipec_ir::{Dialect, Step};

use super::error::RunError;
use super::frame::Frame;
use super::refs::dependencies;
use super::state::RunState;
use super::step::run_step;

/// Runs `steps` in `frame`.
///
/// # Errors
/// The first step error.
pub async fn run_steps<'a>(
    run: &'a RunState<'a>,
    frame: &'a Frame<'a>,
    steps: &'a [Step],
) -> Result<(), RunError> {
    let deps = if frame.pipeline.dialect == Dialect::PipelineEx {
        (0..steps.len())
            .map(|i| i.checked_sub(1).into_iter().collect())
            .collect()
    } else {
        dependencies(steps)
    };
    let mut started = vec![false; steps.len()];
    let mut done = vec![false; steps.len()];
    let mut running = FuturesUnordered::new();
    let mut first_error: Option<RunError> = None;
    loop {
        if first_error.is_none() {
            for (i, step) in steps.iter().enumerate() {
                if !started[i] && deps[i].iter().all(|&d| done[d]) {
                    started[i] = true;
                    running.push(async move { (i, run_step(run, frame, step).await) });
                }
            }
        }
        let Some((i, result)) = running.next().await else {
            break;
        };
        match result {
            Ok(()) => done[i] = true,
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    match first_error {
        Some(error) => Err(error),
        // Dependencies only point to earlier siblings, so every step has started and
        // finished by now.
        None => Ok(()),
    }
}
