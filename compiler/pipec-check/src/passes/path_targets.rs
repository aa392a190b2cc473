//! Which step each resolved path names, keyed by the path's start offset: written by
//! `resolve` in walk order, read by `types`.
//!
//! Paths are met in file order almost always, so this is a vector sorted once at the end
//! (a no-op check in the usual case) rather than a hash map with 100,000 scattered entries.

use super::table::StepIdx;

/// Path start offsets and the steps they name.
#[derive(Debug, Default)]
pub struct PathTargets {
    entries: Vec<(u32, StepIdx)>,
}

impl PathTargets {
    /// Room for `n` paths.
    #[must_use]
    pub fn with_capacity(n: usize) -> PathTargets {
        PathTargets {
            entries: Vec::with_capacity(n),
        }
    }

    /// Record that the path starting at `start` names `step` (the last record wins).
    pub fn insert(&mut self, start: u32, step: StepIdx) {
        self.entries.push((start, step));
    }

    /// Order the records for lookup; later records of the same path win, as with a map.
    pub(crate) fn seal(&mut self) {
        if !self.entries.is_sorted_by_key(|e| e.0) {
            // Stable, so equal offsets keep their insertion order.
            self.entries.sort_by_key(|e| e.0);
        }
    }

    /// The step the path starting at `start` names.
    #[must_use]
    pub fn get(&self, start: &u32) -> Option<&StepIdx> {
        let end = self.entries.partition_point(|e| e.0 <= *start);
        match end.checked_sub(1).and_then(|i| self.entries.get(i)) {
            Some((at, step)) if at == start => Some(step),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_after_sealing() {
        let mut targets = PathTargets::with_capacity(4);
        targets.insert(30, 3);
        targets.insert(10, 1);
        targets.insert(20, 2);
        targets.insert(10, 7);
        targets.seal();
        assert_eq!(targets.get(&10), Some(&7));
        assert_eq!(targets.get(&20), Some(&2));
        assert_eq!(targets.get(&30), Some(&3));
        assert_eq!(targets.get(&15), None);
        assert_eq!(targets.get(&0), None);
        assert_eq!(targets.get(&99), None);
    }
}
