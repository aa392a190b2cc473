//! What a reference can see at a point of the walk: earlier steps (with undo marks so a
//! native body's steps go out of scope after it), loop variables, and set variables.

use rustc_hash::FxHashMap as HashMap;

use super::table::StepIdx;

/// The visible names at one point.
#[derive(Debug, Default)]
pub struct Scope<'p> {
    steps: HashMap<&'p str, StepIdx>,
    undo: Vec<(&'p str, Option<StepIdx>)>,
    /// Loop variables, innermost last.
    pub loop_vars: Vec<&'p str>,
    /// Nesting of loop bodies (map/for_loop/loop/while_loop) around the current point.
    pub loop_depth: usize,
    vars: HashMap<&'p str, usize>,
    var_undo: Vec<&'p str>,
}

/// A point to roll the scope back to.
#[derive(Debug, Clone, Copy)]
pub struct Mark {
    steps: usize,
    vars: usize,
}

impl<'p> Scope<'p> {
    /// An empty scope with room for `steps` step names.
    #[must_use]
    pub fn with_capacity(steps: usize) -> Scope<'p> {
        Scope {
            steps: HashMap::with_capacity_and_hasher(steps, rustc_hash::FxBuildHasher),
            undo: Vec::with_capacity(steps),
            ..Scope::default()
        }
    }

    /// Make a step visible.
    pub fn add_step(&mut self, id: &'p str, idx: StepIdx) {
        let previous = self.steps.insert(id, idx);
        self.undo.push((id, previous));
    }

    /// The visible step with this id.
    #[must_use]
    pub fn step(&self, id: &str) -> Option<StepIdx> {
        self.steps.get(id).copied()
    }

    /// Make a set variable visible.
    pub fn add_var(&mut self, name: &'p str) {
        *self.vars.entry(name).or_insert(0) += 1;
        self.var_undo.push(name);
    }

    /// Whether a set variable is visible.
    #[must_use]
    pub fn has_var(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    /// Visible set variables, for suggestions.
    #[must_use]
    pub fn var_names(&self) -> Vec<&'p str> {
        let mut names: Vec<&'p str> = self.vars.keys().copied().collect();
        names.sort_unstable();
        names
    }

    /// Remember the current point.
    #[must_use]
    pub fn mark(&self) -> Mark {
        Mark {
            steps: self.undo.len(),
            vars: self.var_undo.len(),
        }
    }

    /// Forget everything added since `mark`.
    pub fn reset(&mut self, mark: Mark) {
        while self.undo.len() > mark.steps {
            let Some((id, previous)) = self.undo.pop() else {
                break;
            };
            match previous {
                Some(p) => {
                    self.steps.insert(id, p);
                }
                None => {
                    self.steps.remove(id);
                }
            }
        }
        while self.var_undo.len() > mark.vars {
            let Some(name) = self.var_undo.pop() else {
                break;
            };
            if let Some(count) = self.vars.get_mut(name) {
                *count -= 1;
                if *count == 0 {
                    self.vars.remove(name);
                }
            }
        }
    }
}
