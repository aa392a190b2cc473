//! Types across steps (native pipelines; pipeline_ex results are untyped, SPEC §2).
//!
//! Every step has an output type: a signature call returns a record of its output fields
//! (`chain_of_thought` adds `reasoning`), `llm` returns text, `map` a list of its body's
//! last result, a sub-pipeline a record of its outputs. Paths are typed by walking fields;
//! values flowing into signature inputs, map sources and declared outputs must fit.

use pipec_diagnostics::{
    Code, Diagnostic, Diagnostics, Span, did_you_mean_help, did_you_mean_or_list,
};
use pipec_ir::{
    Collection, Dialect, Field, LiteralValue, Pipeline, PipelineSource, PredictModule, Signature,
    SignatureRef, Step, StepKind, Type, TypeDefKind,
};
use pipec_syntax::expr::{BinaryOp, Expr, ExprKind, Literal, Path, Segment, UnaryOp};

use rustc_hash::FxHashSet as HashSet;

use super::Program;
use super::resolve::Resolution;
use super::sites::{Site, SiteKind, for_each_condition_expr, for_each_site};
use super::table::StepIdx;

/// Check types in a native pipeline.
pub fn check(
    program: &Program<'_>,
    pipeline: &Pipeline,
    resolution: &Resolution<'_>,
    diagnostics: &mut Diagnostics,
) {
    if pipeline.dialect != Dialect::Native {
        return;
    }
    let mut checker = Checker {
        program,
        pipeline,
        resolution,
        diagnostics,
        reported: HashSet::default(),
    };
    for idx in 0..resolution.table.rows.len() {
        checker.step(resolution.table.rows[idx].step);
    }
    for output in &pipeline.outputs {
        let actual = checker.infer(&output.value, true);
        if let Some(declared) = &output.ty
            && !compatible(pipeline, &declared.ty, &actual)
        {
            checker.diagnostics.push(
                Diagnostic::new(
                    Code::P0400,
                    pipeline.span_of(&output.value.span),
                    format!("output `{}` has the wrong type", output.name.text),
                )
                .with_primary_label(format!("this is `{}`", actual.display()))
                .with_label(
                    declared.span,
                    format!("declared as `{}`", declared.ty.display()),
                ),
            );
        }
    }
}

struct Checker<'a, 'p, 'd> {
    program: &'a Program<'a>,
    pipeline: &'p Pipeline,
    resolution: &'a Resolution<'p>,
    diagnostics: &'d mut Diagnostics,
    /// Start offsets of path segments already reported, so a path typed twice (a binding
    /// checked against its signature, then as a plain template) is reported once.
    reported: HashSet<u32>,
}

/// The signature a predict step calls, if it can be found.
#[must_use]
pub fn signature_of<'p>(
    pipeline: &'p Pipeline,
    signature: &'p SignatureRef,
) -> Option<&'p Signature> {
    match signature {
        SignatureRef::Named(name) => pipeline.signature(&name.text),
        SignatureRef::Inline(sig) => Some(sig),
    }
}

impl Checker<'_, '_, '_> {
    fn step(&mut self, step: &Step) {
        let mut exprs = Vec::new();
        for_each_site(step, &mut |site| match site {
            Site::Template(t, _) => exprs.extend(t.template.exprs()),
            Site::Expr(e, kind) if kind != SiteKind::ItemCondition => exprs.push(e),
            Site::Condition(c, kind) if kind != SiteKind::ItemCondition => {
                for_each_condition_expr(c, &mut |e| exprs.push(e))
            }
            _ => {}
        });
        for expr in exprs {
            self.infer(expr, true);
        }
        match &step.kind {
            StepKind::Predict {
                signature, with, ..
            } => {
                let Some(sig) = signature_of(self.pipeline, signature) else {
                    return;
                };
                // A signature with its own errors (already reported) would only produce
                // follow-on noise about every binding.
                let broken = self.diagnostics.as_slice().iter().any(|d| {
                    d.is_error()
                        && d.primary.span.file == sig.span.file
                        && d.primary.span.start >= sig.span.start
                        && d.primary.span.end <= sig.span.end
                });
                if !broken {
                    self.bindings(step, sig, with);
                }
            }
            StepKind::Pipeline { source, inputs } => self.call_inputs(step, source, inputs),
            StepKind::Map {
                over: Some(over), ..
            } => {
                let ty = self.infer(over, true);
                if !ty.without_none().is_iterable() {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::P0401,
                            self.pipeline.span_of(&over.span),
                            "`map` needs a list to iterate over",
                        )
                        .with_primary_label(format!("this is `{}`, not a list", ty.display())),
                    );
                }
            }
            _ => {}
        }
    }

    /// A sub-pipeline call passes only inputs the callee declares, and every input it
    /// requires, with fitting types. Only native callees declare inputs.
    fn call_inputs(&mut self, step: &Step, source: &PipelineSource, with: &[pipec_ir::Binding]) {
        let callee = match source {
            PipelineSource::Inline(inner) => Some(&**inner),
            PipelineSource::File(path) => self.program.called(self.pipeline.file, path.span),
        };
        let Some(callee) = callee.filter(|c| c.dialect == Dialect::Native) else {
            return;
        };
        let names: Vec<&str> = callee.inputs.iter().map(|p| p.name.text.as_str()).collect();
        for binding in with {
            match callee
                .inputs
                .iter()
                .find(|p| p.name.text == binding.name.text)
            {
                None => self.diagnostics.push(
                    Diagnostic::new(
                        Code::P0204,
                        binding.name.span,
                        format!(
                            "pipeline `{}` has no input `{}`",
                            callee.name.text, binding.name.text
                        ),
                    )
                    .with_primary_label("not declared under the called pipeline's `inputs`")
                    .with_help_opt(did_you_mean_help(&binding.name.text, &names)),
                ),
                Some(param) => {
                    self.binding_type(binding, &param.name, &param.ty, callee);
                }
            }
        }
        for param in &callee.inputs {
            if !param.has_default()
                && !param.ty.ty.accepts_none()
                && !with.iter().any(|b| b.name.text == param.name.text)
            {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::P0402,
                        step.id.span,
                        format!(
                            "step `{}` does not provide input `{}` of pipeline `{}`",
                            step.id.text, param.name.text, callee.name.text
                        ),
                    )
                    .with_primary_label(format!("`with` lacks `{}`", param.name.text))
                    .with_label(param.name.span, "declared here")
                    .with_help(format!("bind `{}` in the step's `with`", param.name.text)),
                );
            }
        }
    }

    /// P0400 when a binding that is exactly one expression has a type that does not fit
    /// the declared `name: ty` (named types resolve in `owner`, the declaring pipeline).
    fn binding_type(
        &mut self,
        binding: &pipec_ir::Binding,
        name: &pipec_ir::Name,
        ty: &pipec_ir::TypeRef,
        owner: &Pipeline,
    ) {
        let Some(expr) = binding.value.template.single_expr() else {
            return;
        };
        let actual = self.infer(expr, true);
        if !compatible(owner, &ty.ty, &actual) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::P0400,
                    self.pipeline.span_of(&expr.span),
                    format!("input `{}` expects `{}`", name.text, ty.ty.display()),
                )
                .with_primary_label(format!("this is `{}`", actual.display()))
                .with_label(
                    ty.span,
                    format!("`{}` is declared `{}` here", name.text, ty.ty.display()),
                ),
            );
        }
    }

    fn bindings(&mut self, step: &Step, sig: &Signature, with: &[pipec_ir::Binding]) {
        let input_names: Vec<&str> = sig.inputs.iter().map(|f| f.name.text.as_str()).collect();
        for binding in with {
            match sig.inputs.iter().find(|f| f.name.text == binding.name.text) {
                None => self.diagnostics.push(
                    Diagnostic::new(
                        Code::P0403,
                        binding.name.span,
                        format!(
                            "signature `{}` has no input `{}`",
                            sig.name.text, binding.name.text
                        ),
                    )
                    .with_primary_label("not an input field")
                    .with_label(sig.span, "signature defined here")
                    .with_help_opt(did_you_mean_help(&binding.name.text, &input_names)),
                ),
                Some(field) => {
                    self.binding_type(binding, &field.name, &field.ty, self.pipeline);
                }
            }
        }
        for field in &sig.inputs {
            if field.default.is_none()
                && !field.ty.ty.accepts_none()
                && !with.iter().any(|b| b.name.text == field.name.text)
            {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::P0402,
                        step.id.span,
                        format!(
                            "step `{}` does not provide input `{}`",
                            step.id.text, field.name.text
                        ),
                    )
                    .with_primary_label(format!("`with` lacks `{}`", field.name.text))
                    .with_label(field.name.span, "required by the signature here")
                    .with_help(format!("bind `{}` in the step's `with`", field.name.text)),
                );
            }
        }
    }

    /// The type of an expression; `report` controls whether bad field accesses are
    /// diagnosed (each path is reported once, from its first use).
    fn infer(&mut self, expr: &Expr, report: bool) -> Type {
        match &expr.kind {
            ExprKind::Literal(Literal::Null) => Type::Optional(Box::new(Type::Any)),
            ExprKind::Literal(Literal::Bool(_)) => Type::Bool,
            ExprKind::Literal(Literal::Int(_)) => Type::Int,
            ExprKind::Literal(Literal::Float(_)) => Type::Float,
            ExprKind::Literal(Literal::Str(_)) => Type::Str,
            ExprKind::List(items) => Type::List(Box::new(
                items.first().map_or(Type::Any, |e| self.infer(e, report)),
            )),
            ExprKind::Unary {
                op: UnaryOp::Not, ..
            } => Type::Bool,
            ExprKind::Unary {
                op: UnaryOp::Neg,
                operand,
            } => self.infer(operand, report),
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.infer(lhs, report);
                let r = self.infer(rhs, report);
                if op.is_boolean() {
                    Type::Bool
                } else if *op == BinaryOp::Add && (l == Type::Str || r == Type::Str) {
                    Type::Str
                } else if l == Type::Int && r == Type::Int && *op != BinaryOp::Div {
                    Type::Int
                } else if matches!(l, Type::Int | Type::Float)
                    && matches!(r, Type::Int | Type::Float)
                {
                    Type::Float
                } else {
                    Type::Any
                }
            }
            ExprKind::Between { .. } => Type::Bool,
            ExprKind::Call { name, args } | ExprKind::Filter { name, args, .. } => {
                let input = match &expr.kind {
                    ExprKind::Filter { input, .. } => Some(self.infer(input, report)),
                    _ => args.first().map(|a| self.infer(a, report)),
                };
                function_type(&name.name, input)
            }
            ExprKind::Path(path) => self.path_type(path, report),
        }
    }

    fn path_type(&mut self, path: &Path, report: bool) -> Type {
        let (mut ty, rest) = match path.head() {
            "inputs" => {
                let Some(name) = path.segments.get(1).and_then(Segment::name) else {
                    return Type::Any;
                };
                let ty = self
                    .pipeline
                    .inputs
                    .iter()
                    .find(|p| p.name.text == name)
                    .map_or(Type::Any, |p| p.ty.ty.clone());
                (ty, 2)
            }
            "steps" => match self.resolution.step_paths.get(&path.span.start) {
                Some(&idx) => (self.step_output(idx), 2),
                None => return Type::Any,
            },
            _ => return Type::Any,
        };
        for (i, segment) in path.segments.iter().enumerate().skip(rest) {
            // The path up to this segment, as written; only an error message needs it.
            let owner = || {
                path.segments
                    .get(..i)
                    .map(display_segments)
                    .unwrap_or_default()
            };
            let next = self.field_type(&ty, segment, &owner, report);
            match next {
                Some(t) => ty = t,
                None => return Type::Any,
            }
        }
        ty
    }

    fn field_type(
        &mut self,
        ty: &Type,
        segment: &Segment,
        owner: &dyn Fn() -> String,
        report: bool,
    ) -> Option<Type> {
        let resolved = self.resolve_named(&ty.without_none());
        if let Some(found) = element_type(&resolved, segment) {
            return Some(found);
        }
        match (&resolved, segment) {
            // A union's members may differ; pipec does not narrow them.
            (Type::Any | Type::Union(_), _) => Some(Type::Any),
            (Type::Record(fields), Segment::Field(id)) => {
                match fields.iter().find(|(n, _)| *n == id.name) {
                    Some((_, t)) => Some(t.clone()),
                    None => {
                        if report && self.reported.insert(id.span.start) {
                            let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
                            let help = did_you_mean_or_list(&id.name, &names, "its fields");
                            self.diagnostics.push(
                                Diagnostic::new(
                                    Code::P0205,
                                    self.span(&id.span),
                                    format!("`{}` has no field `{}`", owner(), id.name),
                                )
                                .with_primary_label(format!("`{}` is `{}`", owner(), ty.display()))
                                .with_help_opt(help),
                            );
                        }
                        None
                    }
                }
            }
            _ => {
                if report && self.reported.insert(segment.span().start) {
                    let (what, help) = match (&resolved, segment) {
                        (Type::List(_), Segment::Field(_)) => (
                            "a list",
                            Some("index it (`[0]`), or use `| length`, `| join(\", \")`"),
                        ),
                        _ => ("not a record", None),
                    };
                    let span = self.span(&segment.span());
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::P0205,
                            span,
                            format!(
                                "`{}` has no field `{}`",
                                owner(),
                                segment
                                    .name()
                                    .map_or_else(|| "[..]".to_owned(), str::to_owned)
                            ),
                        )
                        .with_primary_label(format!("`{}` is `{}`, {what}", owner(), ty.display()))
                        .with_help_opt(help.map(str::to_owned)),
                    );
                }
                None
            }
        }
    }

    fn span(&self, range: &std::ops::Range<u32>) -> Span {
        self.pipeline.span_of(range)
    }

    fn resolve_named(&self, ty: &Type) -> Type {
        match ty {
            Type::Named(name) => match self.pipeline.type_def(name).map(|t| &t.kind) {
                Some(TypeDefKind::Record(fields)) => Type::Record(
                    fields
                        .iter()
                        .map(|f| (f.name.text.clone(), f.ty.ty.clone()))
                        .collect(),
                ),
                Some(TypeDefKind::Enum(values)) => string_literal(values),
                None => Type::Any,
            },
            other => other.clone(),
        }
    }

    fn step_output(&self, idx: StepIdx) -> Type {
        let step = self.resolution.table.rows[idx].step;
        step_output_type(self.program, self.pipeline, step)
    }
}

/// The output type of a step.
#[must_use]
pub fn step_output_type(program: &Program<'_>, pipeline: &Pipeline, step: &Step) -> Type {
    match &step.kind {
        StepKind::Predict {
            module, signature, ..
        } => {
            let Some(sig) = signature_of(pipeline, signature) else {
                return Type::Any;
            };
            let mut fields: Vec<(String, Type)> = Vec::new();
            if *module == PredictModule::ChainOfThought {
                fields.push(("reasoning".into(), Type::Str));
            }
            fields.extend(
                sig.outputs
                    .iter()
                    .map(|f: &Field| (f.name.text.clone(), f.ty.ty.clone())),
            );
            Type::Record(fields)
        }
        StepKind::Llm { .. } => Type::Str,
        StepKind::Parallel { .. } => Type::List(Box::new(Type::Str)),
        StepKind::Map { steps, .. } => Type::List(Box::new(
            steps
                .last()
                .map_or(Type::Any, |s| step_output_type(program, pipeline, s)),
        )),
        StepKind::Loop { steps, .. } => steps
            .last()
            .map_or(Type::Any, |s| step_output_type(program, pipeline, s)),
        StepKind::Pipeline { source, .. } => {
            let callee = match source {
                PipelineSource::Inline(inner) => Some(&**inner),
                PipelineSource::File(path) => program.called(pipeline.file, path.span),
            };
            match callee {
                Some(callee) if callee.dialect == Dialect::Native && !callee.outputs.is_empty() => {
                    Type::Record(
                        callee
                            .outputs
                            .iter()
                            .map(|o| {
                                (
                                    o.name.text.clone(),
                                    o.ty.as_ref().map_or(Type::Any, |t| t.ty.clone()),
                                )
                            })
                            .collect(),
                    )
                }
                _ => Type::Any,
            }
        }
        StepKind::Set { vars } => Type::Record(
            vars.iter()
                .map(|v| (v.name.text.clone(), Type::Any))
                .collect(),
        ),
        StepKind::Transform { .. }
        | StepKind::Branch { .. }
        | StepKind::FileOps { .. }
        | StepKind::Echo { .. } => Type::Any,
    }
}

fn display_segments(segments: &[Segment]) -> String {
    let mut out = String::new();
    for (i, s) in segments.iter().enumerate() {
        match s {
            Segment::Field(id) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(&id.name);
            }
            Segment::Index(n, _) => out.push_str(&format!("[{n}]")),
        }
    }
    out
}

/// The type of `value[n]` or `value.key` when `value` is a collection: a list, tuple or
/// dict of any spelling.
fn element_type(ty: &Type, segment: &Segment) -> Option<Type> {
    match (ty, segment) {
        (Type::Tuple(items), Segment::Index(n, _)) => Some(
            usize::try_from(*n)
                .ok()
                .and_then(|n| items.get(n))
                .cloned()
                .unwrap_or(Type::Any),
        ),
        (Type::VarTuple(elem), Segment::Index(..)) => Some((**elem).clone()),
        (_, Segment::Index(..)) => ty.list_element(),
        (Type::Dict(_, value), Segment::Field(_)) => Some((**value).clone()),
        (Type::Bare(Collection::Dict) | Type::Generic(Collection::Dict, _), Segment::Field(_)) => {
            Some(Type::Any)
        }
        _ => None,
    }
}

/// A declared enum as the literal type of its values.
fn string_literal(values: &[pipec_ir::Name]) -> Type {
    Type::Literal(
        values
            .iter()
            .map(|v| LiteralValue::Str(v.text.clone()))
            .collect(),
    )
}

fn function_type(name: &str, input: Option<Type>) -> Type {
    match name {
        "length" | "to_int" => Type::Int,
        "join" | "json" | "lower" | "upper" | "trim" | "to_str" | "replace" => Type::Str,
        "to_float" | "round" | "floor" | "ceil" | "abs" | "sum" => Type::Float,
        "contains" | "startsWith" | "endsWith" | "isEmpty" => Type::Bool,
        "split" => Type::List(Box::new(Type::Str)),
        "first" | "last" => input.and_then(|t| t.list_element()).unwrap_or(Type::Any),
        "sort" | "unique" | "slice" => input.unwrap_or(Type::Any),
        _ => Type::Any,
    }
}

/// Whether a value of type `actual` may flow where `expected` is declared. Deliberately
/// lenient where a prompt-based runtime coerces (text into literals, ints into floats,
/// optional values into required ones, one JSON array spelling into another) and strict
/// where the shape differs. A union accepts a value that fits any member; a union value
/// fits only if every member does. Opaque types (`dspy.Image`, `datetime.date`) match
/// only themselves.
#[must_use]
pub fn compatible(pipeline: &Pipeline, expected: &Type, actual: &Type) -> bool {
    let resolve = |t: &Type| match t {
        Type::Named(name) => match pipeline.type_def(name).map(|d| &d.kind) {
            Some(TypeDefKind::Enum(values)) => string_literal(values),
            _ => t.clone(),
        },
        Type::NoneValue => Type::NoneType,
        _ => t.clone(),
    };
    let (expected, actual) = (
        resolve(&expected.without_none()),
        resolve(&actual.without_none()),
    );
    if let Type::Union(members) = &actual {
        return members.iter().all(|m| compatible(pipeline, &expected, m));
    }
    if let Type::Union(members) = &expected {
        return members.iter().any(|m| compatible(pipeline, m, &actual));
    }
    if let (Some(a), Some(b)) = (sequence_element(&expected), sequence_element(&actual)) {
        return compatible(pipeline, &a, &b);
    }
    match (&expected, &actual) {
        (Type::Any, _) | (_, Type::Any) => true,
        (Type::Float, Type::Int) | (Type::Complex, Type::Int | Type::Float) => true,
        (
            Type::Literal(_) | Type::Str | Type::Int | Type::Float | Type::Bool | Type::Bytes,
            Type::Literal(_),
        )
        | (Type::Literal(_), Type::Str | Type::Int | Type::Float | Type::Bool | Type::Bytes) => {
            match (literal_base(&expected), literal_base(&actual)) {
                (Some(a), Some(b)) => compatible(pipeline, &a, &b),
                _ => true,
            }
        }
        (Type::Tuple(a), Type::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| compatible(pipeline, x, y))
        }
        (Type::Dict(ka, va), Type::Dict(kb, vb)) => {
            compatible(pipeline, ka, kb) && compatible(pipeline, va, vb)
        }
        (
            Type::Dict(..) | Type::Bare(Collection::Dict) | Type::Generic(Collection::Dict, _),
            Type::Dict(..) | Type::Bare(Collection::Dict) | Type::Generic(Collection::Dict, _),
        ) => true,
        (Type::Named(a), Type::Named(b)) => a == b,
        (Type::Named(_) | Type::Record(_), Type::Record(_)) | (Type::Record(_), Type::Named(_)) => {
            true
        }
        (a, b) => a == b,
    }
}

/// The element type of a list, set, frozenset or variadic tuple of any spelling: they all
/// travel as JSON arrays. Fixed-length tuples keep their shape.
fn sequence_element(ty: &Type) -> Option<Type> {
    match ty {
        Type::Set(elem) | Type::FrozenSet(elem) | Type::VarTuple(elem) => Some((**elem).clone()),
        Type::Bare(Collection::Set | Collection::FrozenSet | Collection::Tuple) => Some(Type::Any),
        Type::Generic(Collection::Set | Collection::FrozenSet, args) => {
            Some(args.first().cloned().unwrap_or(Type::Any))
        }
        _ => ty.list_element(),
    }
}

/// The scalar type of a literal whose values all have one (`Literal['a', 'b']` is `str`),
/// or of a scalar itself.
fn literal_base(ty: &Type) -> Option<Type> {
    let Type::Literal(values) = ty else {
        return Some(ty.clone());
    };
    let mut bases = values.iter().map(|v| match v {
        LiteralValue::Str(_) => Some(Type::Str),
        LiteralValue::Int(_) => Some(Type::Int),
        LiteralValue::Bool(_) => Some(Type::Bool),
        LiteralValue::Float(_) => Some(Type::Float),
        LiteralValue::Bytes(_) => Some(Type::Bytes),
        _ => None,
    });
    let first = bases.next().flatten()?;
    bases.all(|b| b.as_ref() == Some(&first)).then_some(first)
}
