//! Which finished steps of an earlier run a replay restores: the ones that finished before
//! the step replayed from did, less the steps inside it (its body's keys). That step and
//! everything after it run again.

use std::collections::HashMap;

use pipec_diagnostics::Code;

use super::error::RunError;
use crate::checkpoint::StepRecord;

/// The steps a replay from `from` keeps: those that finished before `from` did, less the
/// steps inside it (its body's keys).
pub fn replay_state(
    steps: &[StepRecord],
    from: &str,
) -> Result<HashMap<String, StepRecord>, RunError> {
    let target = steps
        .iter()
        .find(|s| s.key == from)
        .or_else(|| {
            steps
                .iter()
                .find(|s| s.key.rsplit('/').next() == Some(from))
        })
        .ok_or_else(|| {
            let keys: Vec<&str> = steps.iter().map(|s| s.key.as_str()).collect();
            let mut error = RunError::new(
                Code::P0713,
                format!("the run has no finished step `{from}`"),
            );
            error.help = pipec_diagnostics::did_you_mean_help(from, &keys)
                .or_else(|| Some(format!("its finished steps are: {}", keys.join(", "))));
            error
        })?;
    let inside = [format!("{}/", target.key), format!("{}[", target.key)];
    Ok(steps
        .iter()
        .filter(|s| s.seq < target.seq && !inside.iter().any(|p| s.key.starts_with(p.as_str())))
        .map(|s| (s.key.clone(), s.clone()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn step(key: &str, seq: u64) -> StepRecord {
        StepRecord {
            key: key.into(),
            status: "ok".into(),
            result: Value::Null,
            seq,
        }
    }

    #[test]
    fn replay_keeps_what_finished_before_the_step_and_outside_it() {
        let steps = [
            step("a", 1),
            step("each[0]/x", 2),
            step("each[1]/x", 3),
            step("each", 4),
            step("b", 5),
        ];
        let kept = |from: &str| {
            let mut keys: Vec<String> = replay_state(&steps, from).unwrap().into_keys().collect();
            keys.sort();
            keys
        };
        assert_eq!(kept("b"), ["a", "each", "each[0]/x", "each[1]/x"]);
        assert_eq!(kept("each"), ["a"]);
        assert_eq!(kept("each[1]/x"), ["a", "each[0]/x"]);
        // An id names its first key to finish.
        assert_eq!(kept("x"), ["a"]);
        assert_eq!(replay_state(&steps, "zzz").unwrap_err().code, Code::P0713);
    }
}
