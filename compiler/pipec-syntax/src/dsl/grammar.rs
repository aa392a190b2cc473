//! The pest parser of `grammar/pipe.pest`, run on one statement at a time, and the
//! translation of its failures into P0020 diagnostics worded in DSL terms ("expected `=`,
//! found `:`") rather than in rule names.

use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pipec_diagnostics::{Code, Diagnostic, FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/pipe.pest"]
pub(crate) struct PipeParser;

/// A piece of the file handed to pest: its text and where it starts, so that pest's
/// offsets (relative to the piece) become file spans.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece<'a> {
    pub file: FileId,
    pub text: &'a str,
    pub base: u32,
}

impl<'a> Piece<'a> {
    /// The piece of `source` under `span` (empty if the span is not on char boundaries,
    /// which the scan never produces).
    pub fn new(source: &'a str, span: Span) -> Piece<'a> {
        Piece {
            file: span.file,
            text: source
                .get(span.start as usize..span.end as usize)
                .unwrap_or(""),
            base: span.start,
        }
    }

    /// The file span of a pair of this piece.
    pub fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        self.range(s.start(), s.end())
    }

    /// The file span of `start..end` in this piece.
    pub fn range(&self, start: usize, end: usize) -> Span {
        let at = |n: usize| {
            self.base
                .saturating_add(u32::try_from(n).unwrap_or(u32::MAX))
        };
        Span::new(self.file, at(start), at(end))
    }

    /// The sub-piece starting at `offset` (for a step's tail).
    pub fn tail(&self, offset: usize) -> Piece<'a> {
        Piece {
            file: self.file,
            text: self.text.get(offset..).unwrap_or(""),
            base: self.range(offset, offset).start,
        }
    }

    /// Parse the piece with `rule`: its pair, or a P0020 diagnostic (boxed: the error path
    /// is cold). `help` is added to the diagnostic when the fix is known for this kind of
    /// statement.
    pub fn parse(&self, rule: Rule, help: Option<&str>) -> Result<Pair<'a, Rule>, Box<Diagnostic>> {
        match PipeParser::parse(rule, self.text) {
            Ok(mut pairs) => match pairs.next() {
                Some(pair) => Ok(pair),
                None => Err(Box::new(
                    Diagnostic::new(
                        Code::P0020,
                        self.range(0, self.text.len()),
                        "this statement could not be read",
                    )
                    .with_primary_label("not a valid statement"),
                )),
            },
            Err(error) => Err(Box::new(self.translate(&error, help))),
        }
    }

    fn translate(&self, error: &pest::error::Error<Rule>, help: Option<&str>) -> Diagnostic {
        let at = match error.location {
            InputLocation::Pos(p) | InputLocation::Span((p, _)) => p.min(self.text.len()),
        };
        let expected = match &error.variant {
            ErrorVariant::ParsingError { positives, .. } => describe_all(positives),
            ErrorVariant::CustomError { message } => message.clone(),
        };
        let found = self.found(at);
        let span = match &found {
            Found::Token(len) => self.range(at, at + len),
            Found::End => self.range(at, at),
        };
        let found_text = match found {
            Found::Token(len) => format!("`{}`", self.text.get(at..at + len).unwrap_or("")),
            Found::End => "the end of the statement".to_owned(),
        };
        let message = if expected.is_empty() {
            format!("unexpected {found_text}")
        } else {
            format!("expected {expected}, found {found_text}")
        };
        let label = if expected.is_empty() {
            "not valid here".to_owned()
        } else {
            format!("expected {expected}")
        };
        let mut diagnostic = Diagnostic::new(Code::P0020, span, message).with_primary_label(label);
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        diagnostic
    }

    /// The token at `at`: a word, or one character.
    fn found(&self, at: usize) -> Found {
        let rest = self.text.get(at..).unwrap_or("");
        let Some(first) = rest.chars().next() else {
            return Found::End;
        };
        if first == '/' && rest.starts_with("///") {
            return Found::Token(rest.find('\n').unwrap_or(rest.len()));
        }
        if first.is_alphanumeric() || first == '_' {
            let len = rest
                .char_indices()
                .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
                .map_or(rest.len(), |(i, _)| i);
            return Found::Token(len);
        }
        for op in ["->", "==", "\"\"\""] {
            if rest.starts_with(op) {
                return Found::Token(op.len());
            }
        }
        Found::Token(first.len_utf8())
    }
}

enum Found {
    Token(usize),
    End,
}

/// "`=`, `(` or the end of the statement", from the rules pest tried.
fn describe_all(rules: &[Rule]) -> String {
    let mut seen: Vec<&'static str> = Vec::new();
    for rule in rules {
        if let Some(text) = describe(*rule)
            && !seen.contains(&text)
        {
            seen.push(text);
        }
    }
    // The end of the statement reads best last.
    if let Some(i) = seen.iter().position(|t| *t == END) {
        let end = seen.remove(i);
        seen.push(end);
    }
    match seen.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

const END: &str = "the end of the statement";

/// What a rule stands for, in DSL terms; `None` for rules that only add noise.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => END,
        Rule::name | Rule::binding | Rule::map_entry | Rule::field | Rule::constraint => "a name",
        Rule::kind => "a step kind",
        Rule::eq | Rule::default => "`=`",
        Rule::colon => "`:`",
        Rule::comma => "`,`",
        Rule::arrow => "`->`",
        Rule::lparen
        | Rule::args
        | Rule::param_list
        | Rule::signature_fields
        | Rule::constraints => "`(`",
        Rule::rparen => "`)`",
        Rule::string | Rule::string_inner => "a string",
        Rule::text_block | Rule::text_block_inner => "a `\"\"\"` text block",
        Rule::number
        | Rule::boolean
        | Rule::null
        | Rule::word
        | Rule::list
        | Rule::map
        | Rule::positional
        | Rule::op_arg
        | Rule::named_arg => "a value",
        Rule::type_text => "a type",
        Rule::expression | Rule::arg_expression | Rule::step_tail => "an expression",
        Rule::raw_param | Rule::lone_param | Rule::param_entry => "a field",
        Rule::kw_pipeline => "`pipeline`",
        Rule::kw_type => "`type`",
        Rule::kw_enum => "`enum`",
        Rule::kw_signature => "`signature`",
        Rule::kw_model => "`model`",
        Rule::kw_limits => "`limits`",
        Rule::kw_defaults => "`defaults`",
        Rule::kw_input => "`input`",
        Rule::kw_output => "`output`",
        Rule::kw_step => "`step`",
        Rule::kw_case => "`case`",
        Rule::kw_default => "`default`",
        Rule::kw_in => "`in`",
        Rule::kw_until => "`until`",
        Rule::kw_while => "`while`",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(rule: Rule, text: &str) -> Box<Diagnostic> {
        let piece = Piece {
            file: FileId(0),
            text,
            base: 10,
        };
        match piece.parse(rule, None) {
            Ok(_) => panic!("`{text}` parsed"),
            Err(d) => d,
        }
    }

    #[test]
    fn errors_name_tokens_not_rules() {
        let d = error(Rule::step_item, "step analyze: predict x");
        assert_eq!(d.message, "expected `=`, found `:`");
        assert_eq!((d.primary.span.start, d.primary.span.end), (22, 23));
        let d = error(Rule::input_item, "input code str");
        assert_eq!(
            d.message,
            "expected `=`, `:`, `(` or the end of the statement, found `str`"
        );
        let d = error(Rule::signature_item, "signature qa(q: str)");
        assert_eq!(d.message, "expected `->`, found the end of the statement");
    }

    #[test]
    fn statements_parse() {
        for (rule, text) in [
            (Rule::step_item, "step a = predict qa(q = inputs.q)"),
            (Rule::call_tail, "qa(q = inputs.q, n = 3)"),
            (Rule::call_tail, "\"q -> a\"(q = \"{{ inputs.q }}\")"),
            (Rule::map_tail, "issue in steps.a.issues"),
            (Rule::map_tail, "steps.a.issues"),
            (Rule::loop_tail, "until steps.check.ok"),
            (
                Rule::signature_item,
                "signature qa(q: str, ctx: list[str]) -> (a: str)",
            ),
            (Rule::signature_item, "signature qa = \"q -> a\""),
            (Rule::signature_item, "signature qa() -> a: int"),
            (Rule::field_stmt, "score: float (ge = 0, le = 1) = 0.5"),
            (Rule::field_stmt, "a: str, b: Literal['x', 'y']"),
            (Rule::setting, "price 0.15, 0.6"),
            (Rule::setting, "timeout 30s"),
            (Rule::setting, "cache"),
            (Rule::expr_setting, "when steps.a.label == 'bug'"),
            (Rule::op_stmt, "sort score, order = desc"),
            (Rule::op_stmt, "filter item.score >= 3"),
            (
                Rule::output_item,
                "output issues: list[Issue] = steps.a.issues",
            ),
            (Rule::model_item, "model fast = \"openai/gpt-4o-mini\""),
            (Rule::enum_stmt, "low, medium, \"very high\","),
        ] {
            let piece = Piece {
                file: FileId(0),
                text,
                base: 0,
            };
            assert!(piece.parse(rule, None).is_ok(), "{rule:?}: {text}");
        }
    }
}
