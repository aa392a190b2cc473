//! A flat, pre-order table of a pipeline's steps (nested bodies included, inline
//! sub-pipelines excluded: they are pipelines of their own), so passes can address any
//! step by index and find its parent and position.

use rustc_hash::FxHashMap as HashMap;

use pipec_ir::{Step, StepKind};

/// Index of a step in a [`StepTable`].
pub type StepIdx = usize;

/// One row.
#[derive(Debug)]
pub struct StepRow<'p> {
    /// The step.
    pub step: &'p Step,
    /// The step whose body contains it.
    pub parent: Option<StepIdx>,
    /// Body nesting depth (0 at top level).
    pub depth: usize,
}

/// All steps of one pipeline.
#[derive(Debug, Default)]
pub struct StepTable<'p> {
    /// Rows in pre-order.
    pub rows: Vec<StepRow<'p>>,
    /// Step ids (and output aliases) to the first row that has them. Duplicates were
    /// reported by lowering; [`StepTable::rows`] still holds every one.
    pub by_id: HashMap<&'p str, StepIdx>,
}

impl<'p> StepTable<'p> {
    /// Build the table.
    #[must_use]
    pub fn new(steps: &'p [Step]) -> StepTable<'p> {
        let mut table = StepTable {
            rows: Vec::with_capacity(steps.len()),
            by_id: HashMap::with_capacity_and_hasher(steps.len(), rustc_hash::FxBuildHasher),
        };
        table.add(steps, None, 0);
        table
    }

    fn add(&mut self, steps: &'p [Step], parent: Option<StepIdx>, depth: usize) {
        for step in steps {
            let idx = self.rows.len();
            self.rows.push(StepRow {
                step,
                parent,
                depth,
            });
            self.by_id.entry(step.id.text.as_str()).or_insert(idx);
            if let Some(alias) = output_alias(step) {
                self.by_id.entry(alias).or_insert(idx);
            }
            for body in bodies(step) {
                self.add(body, Some(idx), depth + 1);
            }
        }
    }

    /// Whether `ancestor` contains `idx` (at any depth).
    #[must_use]
    pub fn is_ancestor(&self, ancestor: StepIdx, mut idx: StepIdx) -> bool {
        while let Some(parent) = self.rows.get(idx).and_then(|r| r.parent) {
            if parent == ancestor {
                return true;
            }
            idx = parent;
        }
        false
    }

    /// The ancestors-or-selves of `from` and `to` that are siblings (same parent), i.e. the
    /// two steps at one level that a dependency between `from` and `to` orders.
    #[must_use]
    pub fn lift(&self, from: StepIdx, to: StepIdx) -> Option<(StepIdx, StepIdx)> {
        // The common case, a reference between siblings, needs no walk.
        if self.rows.get(from)?.parent == self.rows.get(to)?.parent {
            return Some((from, to));
        }
        let chain = |mut idx: StepIdx| {
            let mut out = vec![idx];
            while let Some(parent) = self.rows.get(idx)?.parent {
                out.push(parent);
                idx = parent;
            }
            Some(out)
        };
        let from_chain = chain(from)?;
        let to_chain = chain(to)?;
        for &a in &from_chain {
            for &b in &to_chain {
                if self.rows[a].parent == self.rows[b].parent {
                    return Some((a, b));
                }
            }
        }
        None
    }

    /// All step ids, for suggestions.
    #[must_use]
    pub fn ids(&self) -> Vec<&'p str> {
        self.rows.iter().map(|r| r.step.id.text.as_str()).collect()
    }
}

/// The extra name a step's result is stored under (pipeline_ex `output_field`).
#[must_use]
pub fn output_alias(step: &Step) -> Option<&str> {
    match &step.kind {
        StepKind::Transform {
            output: Some(name), ..
        } if name.text != step.id.text => Some(name.text.as_str()),
        _ => None,
    }
}

/// The step lists nested directly in a step.
#[must_use]
pub fn bodies(step: &Step) -> Vec<&[Step]> {
    match &step.kind {
        StepKind::Branch { cases, default } => {
            let mut out: Vec<&[Step]> = cases.iter().map(|c| c.steps.as_slice()).collect();
            out.push(default);
            out
        }
        StepKind::Map { steps, .. } | StepKind::Loop { steps, .. } => vec![steps.as_slice()],
        _ => Vec::new(),
    }
}
