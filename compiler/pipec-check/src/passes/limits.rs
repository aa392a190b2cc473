//! Resource limits: every loop and fan-out of a native pipeline must be bounded, and the
//! worst case of one run (LLM calls, tokens, cost, wall time along the critical path,
//! sub-pipeline nesting depth) is computed and compared with the declared `limits`. The
//! diagnostic shows the arithmetic, term by term.
//!
//! Worst case per step: a signature or `llm` call makes `attempts` calls (`react` makes
//! `max_iters + 1` per attempt); `map` multiplies its body by `max_items`; `loop` by
//! `max_iterations`; `branch` takes its costliest case; a sub-pipeline adds its own worst
//! case. Tokens per call are the model's `max_input_tokens + max_tokens`; cost prices them;
//! time is `timeout × attempts`, a map runs `ceil(max_items / max_parallel)` waves, and a
//! native pipeline's time is its critical path: a step starts when the steps it reads or
//! `depends_on` have finished.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::resolve::Resolution;
use super::table::StepIdx;

use pipec_diagnostics::{Code, Diagnostic, Diagnostics, FileId};
use pipec_ir::{Dialect, Limit, Pipeline, PipelineSource, PredictModule, Step, StepKind};

use super::Program;

/// How many terms the explanation of a limit shows.
const EXPLAINED_TERMS: usize = 5;

/// pipeline_ex's default nesting limit, used when `limits.max_depth` is not declared.
const DEFAULT_MAX_DEPTH: u64 = 10;

/// A worst-case quantity: `None` means it cannot be bounded (an unbounded loop, a model
/// without token limits or prices, a step without a timeout).
#[derive(Debug, Clone, Default)]
struct Worst {
    calls: Option<u64>,
    tokens: Option<u64>,
    usd: Option<f64>,
    secs: Option<f64>,
    depth: u64,
    /// `(step, detail, calls)` terms for the explanation (the largest ones).
    terms: Vec<(String, String, u64)>,
    /// Calls of the terms dropped from `terms`.
    other: u64,
    unpriced: Vec<pipec_diagnostics::Span>,
    /// The first call whose model has no `max_tokens` (tokens cannot be bounded).
    untokened: Option<pipec_diagnostics::Span>,
    /// The first call with no `timeout` (time cannot be bounded).
    untimed: Option<pipec_diagnostics::Span>,
}

impl Worst {
    fn zero() -> Worst {
        Worst {
            calls: Some(0),
            tokens: Some(0),
            usd: Some(0.0),
            secs: Some(0.0),
            ..Worst::default()
        }
    }

    fn add(&mut self, other: Worst) {
        self.calls = add(self.calls, other.calls);
        self.tokens = add(self.tokens, other.tokens);
        self.usd = self.usd.zip(other.usd).map(|(a, b)| a + b);
        self.depth = self.depth.max(other.depth);
        self.terms.extend(other.terms);
        self.other = self.other.saturating_add(other.other);
        self.unpriced.extend(other.unpriced);
        self.untokened = self.untokened.or(other.untokened);
        self.untimed = self.untimed.or(other.untimed);
        self.compact();
    }

    /// Keep the explanation bounded on huge pipelines: only the largest terms are shown,
    /// the rest is summed into `other`.
    fn compact(&mut self) {
        if self.terms.len() > 4 * EXPLAINED_TERMS {
            self.terms.sort_by_key(|t| std::cmp::Reverse(t.2));
            let rest: u64 = self.terms.iter().skip(EXPLAINED_TERMS).map(|t| t.2).sum();
            self.terms.truncate(EXPLAINED_TERMS);
            self.other = self.other.saturating_add(rest);
        }
    }

    fn times(mut self, n: u64) -> Worst {
        self.calls = self.calls.and_then(|c| c.checked_mul(n));
        self.tokens = self.tokens.and_then(|t| t.checked_mul(n));
        #[allow(clippy::cast_precision_loss, reason = "bounds are far below 2^52")]
        let nf = n as f64;
        self.usd = self.usd.map(|u| u * nf);
        self.secs = self.secs.map(|s| s * nf);
        self
    }
}

fn add(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    a.zip(b).and_then(|(a, b)| a.checked_add(b))
}

/// Check bounds and limits of one pipeline.
pub fn check(
    program: &Program<'_>,
    pipeline: &Pipeline,
    resolution: &Resolution<'_>,
    diagnostics: &mut Diagnostics,
) {
    let mut visiting = HashSet::from_iter([pipeline.file]);
    let order = Order::new(pipeline, resolution);
    let rows = resolution.table.rows.len();
    let mut cx = Cx {
        program,
        pipeline,
        diagnostics,
        visiting: &mut visiting,
        report: true,
        explain: false,
        order: order.as_ref(),
        finish: vec![None; rows],
    };
    let mut worst = cx.sequence(&pipeline.steps);
    // The per-step terms of the call-count explanation are only gathered when the call
    // limit is exceeded: a second, silent walk (the common clean check pays nothing).
    if let (Some(limit), Some(calls)) = (pipeline.limits.max_llm_calls, worst.calls)
        && calls > limit.value
    {
        let mut silent = Diagnostics::default();
        let mut cx = Cx {
            program,
            pipeline,
            diagnostics: &mut silent,
            visiting: &mut visiting,
            report: false,
            explain: true,
            order: order.as_ref(),
            finish: vec![None; rows],
        };
        let explained = cx.sequence(&pipeline.steps);
        worst.terms = explained.terms;
        worst.other = explained.other;
    }
    compare(pipeline, &worst, diagnostics);
}

/// Which earlier siblings each step waits for, so time is the critical path of the
/// dependency graph rather than the sum of all steps: the runtime runs independent steps
/// concurrently. Only native pipelines: pipeline_ex runs steps one after another.
struct Order {
    index: HashMap<*const Step, StepIdx>,
    /// `waits[starts[i]..starts[i + 1]]` are the siblings step `i` waits for.
    starts: Vec<usize>,
    waits: Vec<StepIdx>,
}

impl Order {
    fn new(pipeline: &Pipeline, resolution: &Resolution<'_>) -> Option<Order> {
        if pipeline.dialect != Dialect::Native {
            return None;
        }
        let table = &resolution.table;
        let mut index = HashMap::with_capacity_and_hasher(table.rows.len(), Default::default());
        index.extend(
            table
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| (std::ptr::from_ref(r.step), i)),
        );
        let mut pairs: Vec<(StepIdx, StepIdx)> = resolution
            .edges
            .iter()
            .filter_map(|edge| table.lift(edge.from, edge.to))
            .filter(|(a, b)| a != b)
            .collect();
        pairs.sort_unstable();
        let mut starts = Vec::with_capacity(table.rows.len() + 1);
        let mut next = 0;
        for step in 0..=table.rows.len() {
            while pairs.get(next).is_some_and(|(a, _)| *a < step) {
                next += 1;
            }
            starts.push(next);
        }
        let waits = pairs.into_iter().map(|(_, b)| b).collect();
        Some(Order {
            index,
            starts,
            waits,
        })
    }

    /// The earlier siblings step `idx` waits for.
    fn waits_for(&self, idx: StepIdx) -> &[StepIdx] {
        let start = self.starts.get(idx).copied().unwrap_or(0);
        let end = self.starts.get(idx + 1).copied().unwrap_or(start);
        self.waits.get(start..end).unwrap_or_default()
    }
}

fn pipeline_worst(
    program: &Program<'_>,
    pipeline: &Pipeline,
    diagnostics: &mut Diagnostics,
    visiting: &mut HashSet<FileId>,
    report: bool,
) -> Worst {
    let mut cx = Cx {
        program,
        pipeline,
        diagnostics,
        visiting,
        report,
        explain: false,
        order: None,
        finish: Vec::new(),
    };

    cx.sequence(&pipeline.steps)
}

struct Cx<'a, 'p, 'd> {
    program: &'a Program<'a>,
    pipeline: &'p Pipeline,
    diagnostics: &'d mut Diagnostics,
    visiting: &'a mut HashSet<FileId>,
    /// Whether to report unbounded loops (only for the pipeline being checked, not for
    /// callees, which are checked on their own).
    report: bool,
    /// Whether to gather the per-step terms of the call-count explanation.
    explain: bool,
    /// Dependencies for the critical path; `None` means steps run one after another.
    order: Option<&'a Order>,
    /// Finish time of each step on the critical path, by table index (`None`: not yet
    /// computed; `Some(None)`: unbounded).
    finish: Vec<Option<Option<f64>>>,
}

impl Cx<'_, '_, '_> {
    /// Steps in order: quantities add up; time adds up too (a safe bound: steps at one level
    /// only run concurrently when independent, which the runtime exploits but the bound
    /// does not need).
    fn sequence(&mut self, steps: &[Step]) -> Worst {
        let mut total = Worst::zero();
        let mut secs = Some(0.0);
        for step in steps {
            let w = self.step(step);
            match self
                .order
                .and_then(|o| o.index.get(&std::ptr::from_ref(step)).map(|i| (o, *i)))
            {
                Some((order, idx)) => {
                    // Dependencies are earlier siblings, finished in this same list.
                    let start = order
                        .waits_for(idx)
                        .iter()
                        .filter_map(|d| self.finish.get(*d).copied().flatten())
                        .try_fold(0.0f64, |acc, f| f.map(|f| acc.max(f)));
                    let end = start.zip(w.secs).map(|(a, b)| a + b);
                    if let Some(slot) = self.finish.get_mut(idx) {
                        *slot = Some(end);
                    }
                    secs = secs.zip(end).map(|(a, b): (f64, f64)| a.max(b));
                }
                None => secs = secs.zip(w.secs).map(|(a, b)| a + b),
            }
            total.add(w);
        }
        total.secs = secs;
        total
    }

    fn step(&mut self, step: &Step) -> Worst {
        let attempts = u64::from(step.max_attempts.max(1));
        let id = step.id.text.as_str();
        match &step.kind {
            StepKind::Predict { module, .. } => {
                let per_attempt = match module {
                    PredictModule::React { max_iters, .. } => max_iters.saturating_add(1),
                    _ => 1,
                };
                self.calls(step, per_attempt.saturating_mul(attempts), attempts)
            }
            StepKind::Llm { calls, .. } => {
                self.calls(step, calls.saturating_mul(attempts), attempts)
            }
            StepKind::Parallel { tasks, .. } => {
                let n = u64::try_from(tasks.len()).unwrap_or(u64::MAX);
                let mut w = self.calls(step, n.saturating_mul(attempts), attempts);
                // Tasks run together: time is one task's.
                w.secs = step.timeout_s.map(|t| t * attempts_f(attempts));
                w
            }
            StepKind::Map {
                max_items,
                max_parallel,
                steps,
                ..
            } => {
                let body = self.sequence(steps);
                let Some(bound) = max_items else {
                    if self.report && self.pipeline.dialect == Dialect::Native {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::P0501,
                                step.id.span,
                                format!("map `{id}` has no bound on its items"),
                            )
                            .with_primary_label("set `max_items` to bound this fan-out")
                            .with_help(
                                "set `max_items` to the most items it may take; pipec needs it to bound calls, cost and time",
                            ),
                        );
                    }
                    return Worst {
                        depth: body.depth,
                        ..Worst::default()
                    };
                };
                let n = bound.value;
                let waves = max_parallel.filter(|p| *p > 0).map_or(n, |p| n.div_ceil(p));
                let body_secs = body.secs;
                let inner_calls = body.calls;
                let mut w = body.times(n);
                w.secs = body_secs.map(|s| s * attempts_f(waves));
                if let Some(c) = inner_calls.filter(|c| *c > 0 && self.explain) {
                    w.other = 0;
                    w.terms = vec![(
                        id.to_owned(),
                        format!("{n} items × {c}"),
                        c.saturating_mul(n),
                    )];
                }
                w
            }
            StepKind::Loop {
                max_iterations,
                steps,
                ..
            } => {
                let body = self.sequence(steps);
                let Some(bound) = max_iterations else {
                    if self.report && self.pipeline.dialect == Dialect::Native {
                        self.diagnostics.push(
                            Diagnostic::new(Code::P0500, step.id.span, format!("loop `{id}` has no bound on its iterations"))
                                .with_primary_label("set `max_iterations` to bound this loop")
                                .with_help("set `max_iterations` to the most rounds it may run; pipec needs it to bound calls, cost and time"),
                        );
                    }
                    return Worst {
                        depth: body.depth,
                        ..Worst::default()
                    };
                };
                let n = bound.value;
                let inner_calls = body.calls;
                let mut w = body.times(n);
                if let Some(c) = inner_calls.filter(|c| *c > 0 && self.explain) {
                    w.other = 0;
                    w.terms = vec![(
                        id.to_owned(),
                        format!("{n} iterations × {c}"),
                        c.saturating_mul(n),
                    )];
                }
                w
            }
            StepKind::Branch { cases, default } => {
                let mut options: Vec<Worst> =
                    cases.iter().map(|c| self.sequence(&c.steps)).collect();
                options.push(self.sequence(default));
                let mut best = Worst::zero();
                for option in options {
                    best.calls = best.calls.zip(option.calls).map(|(a, b)| a.max(b));
                    best.tokens = best.tokens.zip(option.tokens).map(|(a, b)| a.max(b));
                    best.usd = best.usd.zip(option.usd).map(|(a, b)| a.max(b));
                    best.secs = best.secs.zip(option.secs).map(|(a, b)| a.max(b));
                    best.depth = best.depth.max(option.depth);
                    if option.terms.iter().map(|t| t.2).sum::<u64>()
                        > best.terms.iter().map(|t| t.2).sum::<u64>()
                    {
                        best.terms = option.terms;
                        best.other = option.other;
                    }
                    best.unpriced.extend(option.unpriced);
                    best.untokened = best.untokened.or(option.untokened);
                    best.untimed = best.untimed.or(option.untimed);
                }
                best
            }
            StepKind::Pipeline { source, .. } => {
                let callee = match source {
                    PipelineSource::Inline(inner) => Some(&**inner),
                    PipelineSource::File(path) => {
                        self.program.called(self.pipeline.file, path.span)
                    }
                };
                let Some(callee) = callee else {
                    return Worst {
                        depth: 1,
                        ..Worst::default()
                    };
                };
                let is_file = matches!(source, PipelineSource::File(_));
                // A file already on the call chain is a cycle (reported by file_cycles): no bound.
                if is_file && !self.visiting.insert(callee.file) {
                    return Worst {
                        depth: u64::MAX,
                        ..Worst::default()
                    };
                }
                let mut inner =
                    pipeline_worst(self.program, callee, self.diagnostics, self.visiting, false);
                if is_file {
                    self.visiting.remove(&callee.file);
                }
                inner.depth = inner.depth.saturating_add(1);
                if let Some(c) = inner.calls.filter(|c| *c > 0 && self.explain) {
                    inner.other = 0;
                    inner.terms = vec![(id.to_owned(), "sub-pipeline".into(), c)];
                }
                inner
            }
            StepKind::Set { .. }
            | StepKind::Transform { .. }
            | StepKind::FileOps { .. }
            | StepKind::Echo { .. } => Worst {
                secs: Some(step.timeout_s.unwrap_or(0.0)),
                ..Worst::zero()
            },
        }
    }

    fn calls(&mut self, step: &Step, calls: u64, attempts: u64) -> Worst {
        let model = step
            .model
            .as_ref()
            .and_then(|m| self.pipeline.model(&m.text));
        let per_call_tokens =
            model.and_then(|m| Some(m.max_tokens? + m.max_input_tokens.unwrap_or(0)));
        #[allow(
            clippy::cast_precision_loss,
            reason = "token counts are far below 2^52"
        )]
        let per_call_usd = model.and_then(|m| {
            let price = m.price?;
            Some(
                (m.max_input_tokens.unwrap_or(0) as f64 * price.input_per_mtok
                    + m.max_tokens? as f64 * price.output_per_mtok)
                    / 1e6,
            )
        });
        let mut unpriced = Vec::new();
        if per_call_usd.is_none() {
            unpriced.push(step.model.as_ref().map_or(step.id.span, |m| m.span));
        }
        #[allow(clippy::cast_precision_loss, reason = "call counts are far below 2^52")]
        let calls_f = calls as f64;
        let terms = if self.explain {
            let detail = if attempts > 1 {
                format!("{} × {attempts} attempts", calls / attempts)
            } else {
                calls.to_string()
            };
            vec![(step.id.text.clone(), detail, calls)]
        } else {
            Vec::new()
        };
        Worst {
            calls: Some(calls),
            tokens: per_call_tokens.and_then(|t| t.checked_mul(calls)),
            usd: per_call_usd.map(|u| u * calls_f),
            secs: step.timeout_s.map(|t| t * attempts_f(attempts)),
            depth: 0,
            terms,
            other: 0,
            unpriced,
            untokened: per_call_tokens
                .is_none()
                .then(|| step.model.as_ref().map_or(step.id.span, |m| m.span)),
            untimed: step.timeout_s.is_none().then_some(step.id.span),
        }
    }
}

fn attempts_f(n: u64) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "small counts")]
    let f = n as f64;
    f
}

/// "3 (`analyze`) + 40 (`each`: 20 items × 2)"; long sums keep the five largest terms.
fn explain(terms: &[(String, String, u64)], other: u64) -> String {
    let mut sorted: Vec<&(String, String, u64)> = terms.iter().filter(|t| t.2 > 0).collect();
    sorted.sort_by_key(|t| std::cmp::Reverse(t.2));
    let shown: Vec<String> = sorted
        .iter()
        .take(EXPLAINED_TERMS)
        .map(|(id, detail, n)| {
            if detail == &n.to_string() {
                format!("{n} (`{id}`)")
            } else {
                format!("{n} (`{id}`: {detail})")
            }
        })
        .collect();
    let rest: u64 = sorted
        .iter()
        .skip(EXPLAINED_TERMS)
        .map(|t| t.2)
        .sum::<u64>()
        .saturating_add(other);
    let mut out = shown.join(" + ");
    if rest > 0 {
        out.push_str(&format!(" + {rest} (other steps)"));
    }
    out
}

fn compare(pipeline: &Pipeline, worst: &Worst, diagnostics: &mut Diagnostics) {
    let limits = &pipeline.limits;
    if let (Some(Limit { value, span }), Some(calls)) = (limits.max_llm_calls, worst.calls)
        && calls > value
    {
        diagnostics.push(
            Diagnostic::new(
                Code::P0502,
                span,
                format!("a run can make {calls} LLM calls, more than the limit of {value}"),
            )
            .with_primary_label(format!(
                "worst case: {} = {calls} calls",
                explain(&worst.terms, worst.other)
            ))
            .with_help("raise `max_llm_calls`, or lower `max_items`, `max_iterations` or `retry`"),
        );
    }
    if let (Some(Limit { value, span }), Some(tokens)) = (limits.max_tokens, worst.tokens)
        && tokens > value
    {
        let calls = worst.calls.unwrap_or(0);
        diagnostics.push(
                Diagnostic::new(Code::P0504, span, format!("a run can use {tokens} tokens, more than the limit of {value}"))
                    .with_primary_label(format!("worst case: {calls} calls, {tokens} tokens at each model's `max_input_tokens + max_tokens`"))
                    .with_help("raise `max_tokens` under `limits`, or lower the models' `max_tokens`"),
            );
    }
    if let Some(Limit { value, span }) = limits.max_cost_usd {
        match worst.usd {
            Some(usd) if usd > value => diagnostics.push(
                Diagnostic::new(
                    Code::P0503,
                    span,
                    format!("a run can cost ${usd:.4}, more than the limit of ${value}"),
                )
                .with_primary_label(format!(
                    "worst case: {} calls at each model's full input and output tokens = ${usd:.4}",
                    worst.calls.unwrap_or(0)
                ))
                .with_help(
                    "raise `max_cost_usd`, use a cheaper model, or lower the models' `max_tokens`",
                ),
            ),
            Some(_) => {}
            None => {
                for span in &worst.unpriced {
                    diagnostics.push(
                        Diagnostic::new(Code::P0507, *span, "this model has no price, so the cost limit cannot be checked")
                            .with_primary_label("no `price` (or no `max_tokens`) on this model")
                            .with_label(span_of_limit(limits.max_cost_usd), "cost limit declared here")
                            .with_help("add `price: {input_per_mtok: ..., output_per_mtok: ...}` and `max_tokens` to the model"),
                    );
                }
            }
        }
    }
    if let (Some(Limit { value, span }), Some(secs)) = (limits.timeout_s, worst.secs)
        && secs > value
    {
        diagnostics.push(
            Diagnostic::new(
                Code::P0505,
                span,
                format!("a run can take {secs}s, more than the limit of {value}s"),
            )
            .with_primary_label(format!(
                "worst case along the critical path: {secs}s of step timeouts × attempts"
            ))
            .with_help("raise `timeout` under `limits`, or lower step timeouts and retries"),
        );
    }
    // A declared limit that the worst case cannot be computed for is reported, not skipped
    // silently (calls must be bounded first: unbounded loops are errors of their own).
    if worst.calls.is_some() {
        if let (Some(limit), None, Some(culprit)) =
            (limits.max_tokens, worst.tokens, worst.untokened)
        {
            diagnostics.push(
                Diagnostic::new(Code::P0508, limit.span, "the token limit cannot be checked")
                    .with_primary_label("no worst case: a model in use has no `max_tokens`")
                    .with_label(culprit, "this model has no `max_tokens`")
                    .with_help("give every model used `max_tokens` (and `max_input_tokens`)"),
            );
        }
        if let (Some(limit), None, Some(culprit)) = (limits.timeout_s, worst.secs, worst.untimed) {
            diagnostics.push(
                Diagnostic::new(Code::P0508, limit.span, "the time limit cannot be checked")
                    .with_primary_label("no worst case: a step that calls a model has no `timeout`")
                    .with_label(culprit, "this step has no `timeout`")
                    .with_help(
                        "give the step a `timeout`, or set one for all steps under `defaults`",
                    ),
            );
        }
    }
    let max_depth = limits.max_depth.map_or(DEFAULT_MAX_DEPTH, |l| l.value);
    if worst.depth > max_depth && worst.depth != u64::MAX {
        let span = limits.max_depth.map_or(pipeline.name.span, |l| l.span);
        diagnostics.push(
            Diagnostic::new(
                Code::P0506,
                span,
                format!(
                    "sub-pipelines nest {} levels deep, more than the limit of {max_depth}",
                    worst.depth
                ),
            )
            .with_primary_label(if limits.max_depth.is_some() {
                "limit declared here"
            } else {
                "default limit of 10 applies"
            })
            .with_help("flatten the nesting, or raise `max_depth` under `limits`"),
        );
    }
}

fn span_of_limit(limit: Option<Limit<f64>>) -> pipec_diagnostics::Span {
    limit.map(|l| l.span).unwrap_or_default()
}
