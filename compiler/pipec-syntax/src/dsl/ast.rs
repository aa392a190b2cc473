//! The syntax tree of a `.pipe` file: every construct with the span of every keyword, name
//! and value, plus every comment. It is faithful enough to print the file back (a later
//! `pipec fmt` and `pipec convert --to pipe` build on it): statements keep their order,
//! doc comments stay attached to what they document, and plain comments are kept in
//! [`PipeFile::comments`] by position. Statements that did not parse are kept as
//! [`Invalid`] with their text's span.
//!
//! Expressions, types and template strings are not parsed here: they are [`Raw`] text or
//! [`StrLit`] values with exact spans, read later by the native lowering.

use pipec_diagnostics::Span;

/// A parsed `.pipe` file.
#[derive(Debug, Clone, PartialEq)]
pub struct PipeFile {
    /// The top-level items, in order.
    pub items: Vec<Item>,
    /// Every comment in the file (doc comments included), in order.
    pub comments: Vec<Comment>,
}

/// One comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comment {
    /// From its first `/` to the end of its line.
    pub span: Span,
    /// `///` rather than `//`.
    pub doc: bool,
}

/// The doc comment lines before an item, joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Docs {
    /// The text of each line without `///` and one following space, joined with `\n`.
    pub text: String,
    /// From the first `///` to the end of the last line.
    pub span: Span,
}

/// A name or keyword as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The text.
    pub text: String,
    /// Where.
    pub span: Span,
}

/// Text handed to the native lowering as it is: an expression, a condition or a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    /// The text, exactly as in the file.
    pub text: String,
    /// Where.
    pub span: Span,
}

/// How a string literal was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrForm {
    /// `"..."`, with escapes.
    Quoted,
    /// A `"""` text block.
    Block,
}

/// A string literal with its decoded value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrLit {
    /// The value: escapes resolved, a text block's indentation removed.
    pub value: String,
    /// The literal, quotes included.
    pub span: Span,
    /// How it was written.
    pub form: StrForm,
}

/// A value of a setting, a constraint, a default or a binding.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string literal.
    Str(StrLit),
    /// A whole number.
    Int(i64, Span),
    /// A number with a fraction or an exponent (or too large for `i64`).
    Float(f64, Span),
    /// `true` or `false`.
    Bool(bool, Span),
    /// `null`.
    Null(Span),
    /// A bare word (`openai`, `gpt-4o-mini`, `30s`): a string.
    Word(Ident),
    /// `[a, b]`.
    List(Vec<Value>, Span),
    /// `{key: value}` (a value written inline).
    Map(Vec<(Ident, Value)>, Span),
    /// `key { settings }`: a nested block of settings.
    Block(Vec<Setting>, Span),
    /// An expression (a bound value, a condition).
    Raw(Raw),
}

impl Value {
    /// Where the value is written.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            Value::Str(s) => s.span,
            Value::Word(w) => w.span,
            Value::Raw(r) => r.span,
            Value::Int(_, span)
            | Value::Float(_, span)
            | Value::Bool(_, span)
            | Value::Null(span)
            | Value::List(_, span)
            | Value::Map(_, span)
            | Value::Block(_, span) => *span,
        }
    }
}

/// A top-level item (or an item of an inline pipeline).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Its doc comment.
    pub docs: Option<Docs>,
    /// The statement with its block.
    pub span: Span,
    /// What it declares.
    pub kind: ItemKind,
}

/// The kinds of item.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// `pipeline NAME`.
    Pipeline(PipelineDecl),
    /// `type NAME { fields }`.
    Type(TypeDecl),
    /// `enum NAME { values }`.
    Enum(EnumDecl),
    /// `signature NAME(...) -> (...)` or `signature NAME = "..."`.
    Signature(SignatureDecl),
    /// `model NAME = "provider/model" { settings }`.
    Model(ModelDecl),
    /// `limits { settings }`.
    Limits(ConfigDecl),
    /// `defaults { settings }`.
    Defaults(ConfigDecl),
    /// `input NAME: type = default`.
    Input(InputDecl),
    /// `output NAME: type = expression`.
    Output(OutputDecl),
    /// `step NAME = KIND ... { ... }`.
    Step(StepDecl),
    /// A statement that did not parse.
    Invalid(Invalid),
}

/// A statement that did not parse (its error is reported); `name` is what could still be
/// read of it, for recovery.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    /// The statement's text.
    pub span: Span,
    /// The keyword and the name it declares, when those parsed.
    pub salvaged: Option<(Ident, Ident)>,
}

/// `pipeline NAME` (the file's header), or `pipeline NAME? { items }` inside a step.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineDecl {
    /// `pipeline`.
    pub keyword: Span,
    /// The name (optional for an inline pipeline).
    pub name: Option<Ident>,
    /// An inline pipeline's items (`None` for the file header).
    pub body: Option<Vec<Item>>,
}

/// A record type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDecl {
    /// `type`.
    pub keyword: Span,
    /// Its name.
    pub name: Ident,
    /// Its fields.
    pub fields: Vec<Field>,
}

/// A literal enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDecl {
    /// `enum`.
    pub keyword: Span,
    /// Its name.
    pub name: Ident,
    /// Its values (words or strings).
    pub values: Vec<Value>,
}

/// A field: `name: type (constraints) = default`, with its doc comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Its doc comment (the description).
    pub docs: Option<Docs>,
    /// Its name.
    pub name: Ident,
    /// Its type as written (`None`: `str`).
    pub ty: Option<Raw>,
    /// `(ge = 1, le = 10)`, in order.
    pub constraints: Vec<(Ident, Value)>,
    /// `= value`.
    pub default: Option<Value>,
    /// The whole field.
    pub span: Span,
}

/// A named signature.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureDecl {
    /// `signature`.
    pub keyword: Span,
    /// Its name.
    pub name: Ident,
    /// Its definition.
    pub def: SignatureDef,
}

/// How a signature is defined.
#[derive(Debug, Clone, PartialEq)]
pub enum SignatureDef {
    /// A DSPy signature string.
    Text(StrLit),
    /// `(inputs) -> (outputs)`.
    Fields {
        /// The input list (with its parentheses' span).
        inputs: (Vec<Field>, Span),
        /// The output list.
        outputs: (Vec<Field>, Span),
    },
}

/// `model NAME = "provider/model" { settings }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDecl {
    /// `model`.
    pub keyword: Span,
    /// Its name.
    pub name: Ident,
    /// `"provider/model"`.
    pub id: Option<StrLit>,
    /// The block's settings.
    pub settings: Vec<Setting>,
}

/// `limits { ... }` or `defaults { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigDecl {
    /// The keyword.
    pub keyword: Span,
    /// The block's settings.
    pub settings: Vec<Setting>,
}

/// `input NAME: type = default`.
#[derive(Debug, Clone, PartialEq)]
pub struct InputDecl {
    /// `input`.
    pub keyword: Span,
    /// The input, as a field.
    pub field: Field,
}

/// `output NAME: type = expression`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputDecl {
    /// `output`.
    pub keyword: Span,
    /// Its name.
    pub name: Ident,
    /// Its declared type.
    pub ty: Option<Raw>,
    /// The expression that computes it.
    pub value: Raw,
}

/// `key value`, `key v1, v2` or `key { settings }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The key.
    pub key: Ident,
    /// The value (`None` for a bare key, which means `true`).
    pub value: Option<Value>,
    /// Its doc comment (reported: settings have no description).
    pub docs: Option<Docs>,
    /// The whole setting.
    pub span: Span,
}

/// A step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepDecl {
    /// Its doc comment (the description).
    pub docs: Option<Docs>,
    /// The statement with its block.
    pub span: Span,
    /// `step`.
    pub keyword: Span,
    /// Its id.
    pub id: Ident,
    /// Its kind as written.
    pub kind: Ident,
    /// What follows the kind on the step's line.
    pub head: StepHead,
    /// The statements of its block, in order.
    pub body: Vec<StepStmt>,
    /// The block, if any.
    pub block: Option<Span>,
}

/// What follows a step's kind, by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum StepHead {
    /// predict, chain_of_thought, react: `signature(bindings)`.
    Call {
        /// A signature name or DSPy string.
        signature: Option<Value>,
        /// The bindings (`with`).
        args: Option<Args>,
    },
    /// llm and the provider-bound kinds: the prompt.
    Prompt(Option<Value>),
    /// pipeline: `"file"(bindings)`.
    File {
        /// The file path.
        path: Option<StrLit>,
        /// The bindings (`with`).
        args: Option<Args>,
    },
    /// set: `(name = value, ...)`.
    Set(Option<Args>),
    /// transform: the input expression.
    Input(Option<Raw>),
    /// map: `item in list`.
    Map {
        /// The loop variable and the `in` keyword.
        var: Option<(Ident, Span)>,
        /// The list.
        over: Option<Raw>,
    },
    /// loop: `until cond` or `while cond`.
    Loop(Option<(Ident, Raw)>),
    /// branch, switch, and kinds pipec does not know: nothing is read.
    Empty,
}

/// `(name = value, ...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Args {
    /// From `(` to `)`.
    pub span: Span,
    /// The bindings, in order.
    pub bindings: Vec<(Ident, Value)>,
}

/// A statement inside a step's block.
#[derive(Debug, Clone, PartialEq)]
pub enum StepStmt {
    /// `key value`.
    Setting(Setting),
    /// A nested step (map and loop bodies).
    Step(StepDecl),
    /// `case condition { steps }` (branch).
    Case(Case),
    /// `default { steps }` (branch).
    Default(Default),
    /// `signature (...) -> (...)`, `signature NAME` or `signature "..."`.
    Signature(InlineSignature),
    /// `pipeline NAME? { items }`.
    Pipeline(Item),
    /// `system "..."`, `user "..."`, `assistant "..."` (chat messages, in order).
    Message(Message),
    /// A transform operation: `filter item.ok`, `take 4`.
    Op(Op),
    /// A statement that did not parse.
    Invalid(Invalid),
}

/// A branch case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// `case`.
    pub keyword: Span,
    /// Its condition (`None` when the case's line did not parse: the case never runs).
    pub condition: Option<Raw>,
    /// Its steps.
    pub body: Vec<StepStmt>,
    /// Its block.
    pub block: Span,
}

/// A branch's default.
#[derive(Debug, Clone, PartialEq)]
pub struct Default {
    /// `default`.
    pub keyword: Span,
    /// Its steps.
    pub body: Vec<StepStmt>,
    /// Its block.
    pub block: Span,
}

/// A step's own signature.
#[derive(Debug, Clone, PartialEq)]
pub struct InlineSignature {
    /// `signature`.
    pub keyword: Span,
    /// Its doc comment (the instructions).
    pub docs: Option<Docs>,
    /// A name (`Value::Word`), a string, or fields.
    pub def: InlineSignatureDef,
}

/// How a step's own signature is given.
#[derive(Debug, Clone, PartialEq)]
pub enum InlineSignatureDef {
    /// A signature name or a DSPy string.
    Ref(Value),
    /// `(inputs) -> (outputs)`.
    Def(SignatureDef),
}

/// A chat message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// `system`, `user` or `assistant`.
    pub role: Ident,
    /// Its content (a template).
    pub content: Option<Value>,
}

/// A transform operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Op {
    /// The operation's name.
    pub name: Ident,
    /// Its arguments: a positional one first, then `key = value`.
    pub args: Vec<OpArg>,
}

/// One argument of an operation.
#[derive(Debug, Clone, PartialEq)]
pub enum OpArg {
    /// A value without a key (the operation's main argument).
    Positional(Value),
    /// `key = value`.
    Named(Ident, Value),
}
