//! What a pipeline_ex path means natively (ref §3, "References a pipeline can name"):
//! `steps.X...` and condition paths name steps, `inputs.x` and `global_vars.x` become
//! declared inputs, `state.x` and bare set variables `vars.x`, `loop.*` the loop's item or
//! counters, and a bare name nothing sets a declared input (P0815).

use pipec_diagnostics::{Code, Diagnostic};
use pipec_syntax::expr::{Expr, Path, Segment};

use crate::migrator::{Migrator, Role};
use crate::refs::{Mode, Use, null, path_expr, ran};
use crate::shapes::{Shape, is_success, is_text, unwrap_result, whole_field};

/// pipeline_ex's loop counters with a native counterpart: for_loop (`map`) and
/// while_loop (`loop`).
const MAP_COUNTERS: &[&str] = &["index", "first", "last", "total"];

impl Migrator<'_> {
    /// Resolve one path read in `mode` and used as `usage`.
    pub(crate) fn resolve_path(&mut self, path: &Path, mode: Mode, usage: Use) -> Expr {
        let segs = &path.segments;
        let head = path.head().to_owned();
        let name_at = |i: usize| segs.get(i).and_then(Segment::name).map(str::to_owned);
        match mode {
            Mode::Template => match head.as_str() {
                "steps" => match name_at(1).and_then(|n| self.by_name.get(&n).cloned()) {
                    Some(id) => self.step_ref(&id, &segs[2..], usage, path),
                    None => self.nothing(path, "names no step of this pipeline"),
                },
                "inputs" => match name_at(1) {
                    Some(name) => {
                        let name = self.input(&name, usage, segs.len() > 2, None, None);
                        path_expr(&["inputs", &name], &segs[2..])
                    }
                    None => self.nothing(path, "names no input"),
                },
                "global_vars" => match name_at(1) {
                    Some(name) if self.globals.contains(&name) => {
                        let default = self.global_defaults.get(&name).cloned();
                        let name = self.input(&name, usage, segs.len() > 2, None, default);
                        path_expr(&["inputs", &name], &segs[2..])
                    }
                    // Without global_vars of its own, a pipeline reads its caller's (a nested
                    // pipeline inherits them): an input the caller passes.
                    Some(name) if self.globals.is_empty() => {
                        self.variable_input(&name, &segs[2..], usage, path)
                    }
                    _ => self.nothing(path, "names no declared global variable"),
                },
                "state" => match name_at(1) {
                    Some(name) => self.variable(&name, &segs[2..], usage, path),
                    None => self.nothing(path, "names no variable"),
                },
                "loop" => self.loop_ref(&segs[1..], path, true),
                _ => {
                    if let Some(item) = self.item_named(&head) {
                        return path_expr(&[&item], &segs[1..]);
                    }
                    self.variable(&head, &segs[1..], usage, path)
                }
            },
            Mode::Condition | Mode::Filter | Mode::Source => {
                if let Some(id) = self.by_name.get(&head).cloned() {
                    return self.step_ref(&id, &segs[1..], usage, path);
                }
                if head == "loop" {
                    return self.loop_ref(&segs[1..], path, false);
                }
                match mode {
                    Mode::Filter => path_expr(&["item"], segs),
                    Mode::Source => {
                        if let Some(item) = self.item_named(&head) {
                            return path_expr(&[&item], &segs[1..]);
                        }
                        self.variable(&head, &segs[1..], Use::List, path)
                    }
                    _ => self.nothing(
                        path,
                        "pipeline_ex looks up a condition's first segment as a step name, and there is no such step",
                    ),
                }
            }
        }
    }

    /// A read of step `id`'s result through `rest`.
    fn step_ref(&mut self, id: &str, rest: &[Segment], usage: Use, path: &Path) -> Expr {
        let role = self.roles.get(id).cloned().unwrap_or(Role::Plain);
        let rest = unwrap_result(rest);
        if let Role::Parallel(tasks) = &role {
            let task = rest
                .first()
                .and_then(Segment::name)
                .and_then(|t| tasks.iter().find(|(task, _)| task == t));
            if let Some((_, task_id)) = task {
                let task_id = task_id.clone();
                return self.step_ref(&task_id, &rest[1..], usage, path);
            }
            self.collected.insert(id.to_owned());
        }
        self.record(id, rest, usage);
        if is_success(rest) {
            let at = self.span(&path.span);
            self.warn(
                Diagnostic::new(
                    Code::P0814,
                    at,
                    format!("`success` becomes `steps.{id} != null`"),
                )
                .with_primary_label("pipeline_ex's result flag has no native counterpart")
                .with_note(
                    "a native step that fails stops the run; a skipped step's result is `null`",
                )
                .with_help("check that the rewritten test means what the pipeline needs"),
            );
            return ran(self.scoped(id, &[], path));
        }
        match role {
            Role::Dropped => self.nothing(path, "reads a step the migration leaves out"),
            Role::Echo => {
                let mut value = vec![crate::refs::field("value")];
                value.extend_from_slice(rest);
                self.scoped(id, &value, path)
            }
            // In a `predict` step `text` is an output field like any other; an `llm` step's
            // result is the text itself.
            Role::Model { .. } => match (self.shapes.get(id), whole_field(rest, usage)) {
                (Some(Shape::Fields(_)), Some(name)) => {
                    self.scoped(id, &[crate::refs::field(name)], path)
                }
                (Some(Shape::Fields(_)), None) => self.scoped(id, rest, path),
                _ if is_text(rest) => self.scoped(id, &[], path),
                _ => self.scoped(id, rest, path),
            },
            Role::Parallel(_) | Role::Plain => self.scoped(id, rest, path),
        }
    }

    /// `steps.ID.rest`, read from the current point. A loop body step read from outside
    /// its loop is read through the loop's result, as pipeline_ex merges body results into
    /// the parent's: a while_loop's result is its last step's, a for_loop's the list of
    /// them (`last(...)` is the final iteration's). Anything else is out of reach (P0821).
    fn scoped(&mut self, id: &str, rest: &[Segment], path: &Path) -> Expr {
        let Some(place) = self.places.get(id).cloned() else {
            return path_expr(&["steps", id], rest);
        };
        if self.loops.iter().any(|f| f.step == place.parent) {
            return path_expr(&["steps", id], rest);
        }
        if !place.last {
            return self.nothing(
                path,
                "reads a loop body step from outside the loop; natively only the body's last step's result is kept",
            );
        }
        if !place.is_map {
            return self.scoped(&place.parent, rest, path);
        }
        if !rest.is_empty() {
            return self.nothing(
                path,
                "reads a field of a for_loop body step from outside the loop, which natively is one result per item",
            );
        }
        let all = self.scoped(&place.parent, &[], path);
        crate::refs::expr(pipec_syntax::expr::ExprKind::Call {
            name: pipec_syntax::expr::Ident {
                name: "last".to_owned(),
                span: 0..0,
            },
            args: vec![all],
        })
    }

    /// A variable: `vars.NAME` when a set_variable step sets it, else a declared input.
    fn variable(&mut self, name: &str, rest: &[Segment], usage: Use, path: &Path) -> Expr {
        if self.vars.contains(name) {
            if self.pass == crate::migrator::Pass::Survey
                && !self.set_so_far.contains(name)
                && !self.early.iter().any(|e| e == name)
            {
                self.early.push(name.to_owned());
            }
            if self.pass == crate::migrator::Pass::Emit
                && !self.set_so_far.contains(name)
                && let Some(loop_id) = self.body_vars.get(name).cloned()
                && self.reported_vars.insert(name.to_owned())
            {
                let at = self.span(&path.span);
                self.warn(
                    Diagnostic::new(
                        Code::P0827,
                        at,
                        format!("`{name}` is set inside the body of `{loop_id}`, which a native run does not see here"),
                    )
                    .with_primary_label("reads the variable's initial value after the loop")
                    .with_note("pipeline_ex's variables are global; native variables set in a loop body belong to the body")
                    .with_help(format!("read the value through `steps.{loop_id}`, or set the variable outside the loop")),
                );
            }
            return path_expr(&["vars", name], rest);
        }
        self.variable_input(name, rest, usage, path)
    }

    /// A variable nothing in this pipeline sets: a declared input (P0815).
    fn variable_input(&mut self, name: &str, rest: &[Segment], usage: Use, path: &Path) -> Expr {
        let default = self.workflow_vars.get(name).cloned();
        let input = self.input(name, usage, !rest.is_empty(), None, default);
        if self.pass == crate::migrator::Pass::Emit && self.reported_inputs.insert(input.clone()) {
            let at = self.span(&path.span);
            self.warn(
                Diagnostic::new(
                    Code::P0815,
                    at,
                    format!("`{}` becomes the declared input `{input}`", path.display()),
                )
                .with_primary_label("nothing in the pipeline sets this variable")
                .with_note("pipeline_ex renders an unset variable as empty text; a native run must pass the input")
                .with_help(format!("pass it when running (`--input {input}=...`), or give it a `default`")),
            );
        }
        path_expr(&["inputs", &input], rest)
    }

    /// `loop.*`: the item of the innermost for_loop, or a loop counter.
    fn loop_ref(&mut self, rest: &[Segment], path: &Path, in_template: bool) -> Expr {
        let Some(frame) = self.loops.last().cloned() else {
            return self.nothing(path, "is used outside a loop");
        };
        let Some(first) = rest.first().and_then(Segment::name) else {
            return self.nothing(path, "names no loop variable");
        };
        let rewritten = if frame.iterator.as_deref() == Some(first) {
            path_expr(&[&frame.item], &rest[1..])
        } else if frame.iterator.is_some() && MAP_COUNTERS.contains(&first) {
            path_expr(&["loop", first], &rest[1..])
        } else if frame.iterator.is_none() && matches!(first, "iteration" | "count") {
            path_expr(&["loop", "iteration"], &rest[1..])
        } else {
            return self.nothing(path, "is a loop variable with no native counterpart");
        };
        if in_template {
            let at = self.span(&path.span);
            let to = rewritten.to_source();
            self.warn(
                Diagnostic::new(
                    Code::P0817,
                    at,
                    format!("`{{{{{}}}}}` becomes `{{{{ {to} }}}}`", path.display()),
                )
                .with_primary_label("pipeline_ex renders this as empty text inside a loop body")
                .with_note("pipeline_ex interpolates a step's templates once, before the loop starts; the migrated loop binds it per iteration")
                .with_help("nothing to do when the loop variable is what was meant"),
            );
        }
        rewritten
    }

    /// The native item variable of an enclosing for_loop whose iterator is `name`.
    fn item_named(&self, name: &str) -> Option<String> {
        self.loops
            .iter()
            .rev()
            .find(|f| f.iterator.as_deref() == Some(name))
            .map(|f| f.item.clone())
    }

    /// A reference to nothing: `null` (P0821).
    fn nothing(&mut self, path: &Path, why: &str) -> Expr {
        let at = self.span(&path.span);
        self.warn(
            Diagnostic::new(Code::P0821, at, format!("`{}` {why}", path.display()))
                .with_primary_label("migrated as `null`")
                .with_note("pipeline_ex reads nothing here either")
                .with_help("point the reference at the step or input you meant"),
        );
        null()
    }
}
