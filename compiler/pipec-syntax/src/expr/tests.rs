//! Unit tests of the expression parser: tree shapes are compared as S-expressions, spans as
//! the source text they cover, and errors as message plus the text they point at.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::{parse_expr, parse_template};
use crate::expr::ast::{Expr, ExprError, ExprKind, Literal, Segment, TemplatePart, UnaryOp};

/// The tree as an S-expression: `(and (> a.b 7) (not c))`.
fn sexp(e: &Expr) -> String {
    let list = |head: &str, items: &[&Expr]| {
        let mut out = format!("({head}");
        for item in items {
            out.push(' ');
            out.push_str(&sexp(item));
        }
        out.push(')');
        out
    };
    match &e.kind {
        ExprKind::Path(path) => {
            let mut out = String::new();
            for segment in &path.segments {
                match segment {
                    Segment::Field(id) if out.is_empty() => out.push_str(&id.name),
                    Segment::Field(id) => out.push_str(&format!(".{}", id.name)),
                    Segment::Index(i, _) => out.push_str(&format!("[{i}]")),
                }
            }
            out
        }
        ExprKind::Literal(Literal::Null) => "null".to_owned(),
        ExprKind::Literal(Literal::Bool(b)) => b.to_string(),
        ExprKind::Literal(Literal::Int(i)) => i.to_string(),
        ExprKind::Literal(Literal::Float(f)) => format!("{f:?}"),
        ExprKind::Literal(Literal::Str(s)) => format!("{s:?}"),
        ExprKind::List(items) => list("list", &items.iter().collect::<Vec<_>>()),
        ExprKind::Unary { op, operand } => {
            let head = if *op == UnaryOp::Not { "not" } else { "neg" };
            list(head, &[operand])
        }
        ExprKind::Binary { op, lhs, rhs } => list(op.as_str(), &[lhs, rhs]),
        ExprKind::Between { value, low, high } => list("between", &[value, low, high]),
        ExprKind::Call { name, args } => list(
            &format!("call {}", name.name),
            &args.iter().collect::<Vec<_>>(),
        ),
        ExprKind::Filter { input, name, args } => {
            let mut items = vec![&**input];
            items.extend(args);
            list(&format!("| {}", name.name), &items)
        }
    }
}

#[track_caller]
fn shape(src: &str) -> String {
    match parse_expr(src) {
        Ok(e) => sexp(&e),
        Err(e) => panic!("{src:?} did not parse: {e:?}"),
    }
}

#[track_caller]
fn err(src: &str) -> ExprError {
    match parse_expr(src) {
        Ok(e) => panic!("{src:?} parsed as {}", sexp(&e)),
        Err(e) => e,
    }
}

/// The text an error points at, and its message.
#[track_caller]
fn err_at(src: &str) -> (String, String) {
    let e = err(src);
    let at = src.get(e.span.start as usize..e.span.end as usize).unwrap();
    (at.to_owned(), e.message)
}

fn text(src: &str, span: &std::ops::Range<u32>) -> String {
    src.get(span.start as usize..span.end as usize)
        .unwrap()
        .to_owned()
}

// --- precedence ---------------------------------------------------------------------

#[test]
fn or_is_looser_than_and() {
    assert_eq!(shape("a or b and c"), "(or a (and b c))");
    assert_eq!(shape("a and b or c"), "(or (and a b) c)");
    assert_eq!(shape("a || b && c"), "(or a (and b c))");
}

#[test]
fn not_is_between_and_and_comparison() {
    assert_eq!(shape("not a and b"), "(and (not a) b)");
    assert_eq!(shape("not a == b"), "(not (== a b))");
    assert_eq!(shape("!a || !b"), "(or (not a) (not b))");
    assert_eq!(shape("not not a"), "(not (not a))");
}

#[test]
fn comparison_is_looser_than_arithmetic() {
    assert_eq!(shape("a == b + c"), "(== a (+ b c))");
    assert_eq!(shape("a % 2 == 0"), "(== (% a 2) 0)");
    assert_eq!(shape("name contains \"x\""), "(contains name \"x\")");
    assert_eq!(shape("text matches \"^a.*\""), "(matches text \"^a.*\")");
    assert_eq!(shape("a != b"), "(!= a b)");
    assert_eq!(shape("a<=b"), "(<= a b)");
    assert_eq!(shape("a >= b"), "(>= a b)");
}

#[test]
fn multiplicative_is_tighter_than_additive() {
    assert_eq!(shape("a + b * c"), "(+ a (* b c))");
    assert_eq!(shape("a * b - c / d"), "(- (* a b) (/ c d))");
}

#[test]
fn binary_operators_are_left_associative() {
    assert_eq!(shape("a - b - c"), "(- (- a b) c)");
    assert_eq!(shape("a / b % c"), "(% (/ a b) c)");
    assert_eq!(shape("a or b or c"), "(or (or a b) c)");
}

#[test]
fn negation_is_tighter_than_multiplication_and_looser_than_filters() {
    assert_eq!(shape("-a * b"), "(* (neg a) b)");
    assert_eq!(shape("-x | abs"), "(neg (| abs x))");
    assert_eq!(shape("a - -b"), "(- a (neg b))");
    assert_eq!(shape("- -a"), "(neg (neg a))");
}

#[test]
fn filters_chain_and_take_arguments() {
    assert_eq!(
        shape("x | join(\", \") | length"),
        "(| length (| join x \", \"))"
    );
    assert_eq!(shape("a + x|f"), "(+ a (| f x))");
    assert_eq!(shape("x | f(1, y)"), "(| f x 1 y)");
}

#[test]
fn between_takes_additive_bounds() {
    assert_eq!(shape("score between 1 and 10"), "(between score 1 10)");
    assert_eq!(
        shape("score between 1 and 10 and ok"),
        "(and (between score 1 10) ok)"
    );
    assert_eq!(
        shape("x between a + 1 and b * 2"),
        "(between x (+ a 1) (* b 2))"
    );
    assert_eq!(shape("not x between 1 and 2"), "(not (between x 1 2))");
}

#[test]
fn parentheses_override_precedence() {
    assert_eq!(shape("(a or b) and c"), "(and (or a b) c)");
    assert_eq!(shape("(a + b) * c"), "(* (+ a b) c)");
    assert_eq!(shape("a == (not b)"), "(== a (not b))");
}

#[test]
fn full_condition() {
    assert_eq!(
        shape("analysis.score > 7 and not steps.review.approved"),
        "(and (> analysis.score 7) (not steps.review.approved))"
    );
    assert_eq!(
        shape("steps.classify.label == \"bug\" && inputs.strict"),
        "(and (== steps.classify.label \"bug\") inputs.strict)"
    );
    assert_eq!(
        shape("name contains \"x\" or not done"),
        "(or (contains name \"x\") (not done))"
    );
}

#[test]
fn required_conditions_parse() {
    for src in [
        "quality_assessment.overall_score >= 8",
        "implement_fixes.success",
        "total > 100",
        "status == 'completed'",
        "rating > 4.0",
        "active == true",
        "length(items) > 0",
        "items.length > 2",
    ] {
        assert!(parse_expr(src).is_ok(), "{src}: {:?}", parse_expr(src));
    }
}

// --- primaries ----------------------------------------------------------------------

#[test]
fn literals() {
    assert_eq!(shape("null"), "null");
    assert_eq!(shape("nil"), "null");
    assert_eq!(shape("True"), "true");
    assert_eq!(shape("false"), "false");
    assert_eq!(shape("42"), "42");
    assert_eq!(shape("4.0"), "4.0");
    assert_eq!(shape("0.5"), "0.5");
    assert_eq!(shape("1.5e3"), "1500.0");
}

#[test]
fn string_escapes() {
    assert_eq!(shape(r"'it\'s'"), "\"it's\"");
    assert_eq!(shape(r#""a\nb\t\"c\"\\""#), r#""a\nb\t\"c\"\\""#);
    assert_eq!(shape(r#"'say "hi"'"#), r#""say \"hi\"""#);
    assert_eq!(shape("'é'"), "\"é\"");
}

#[test]
fn lists_and_calls() {
    assert_eq!(shape("[1, 'a', x.y]"), "(list 1 \"a\" x.y)");
    assert_eq!(shape("[]"), "(list)");
    assert_eq!(shape("[1, 2,]"), "(list 1 2)");
    assert_eq!(shape("f()"), "(call f)");
    assert_eq!(
        shape("multiply(inputs.item_count, inputs.multiplier)"),
        "(call multiply inputs.item_count inputs.multiplier)"
    );
    assert_eq!(shape("f(g(1), [2])"), "(call f (call g 1) (list 2))");
}

#[test]
fn paths() {
    assert_eq!(
        shape("steps.analyze.result.items.0.title"),
        "steps.analyze.result.items[0].title"
    );
    assert_eq!(shape("x[2]"), "x[2]");
    assert_eq!(shape("x[2][3].y"), "x[2][3].y");
    assert_eq!(shape("loop.item"), "loop.item");
}

#[test]
fn keywords_need_word_boundaries() {
    assert_eq!(shape("android"), "android");
    assert_eq!(shape("notify"), "notify");
    assert_eq!(shape("nil_value or truest"), "(or nil_value truest)");
    assert_eq!(shape("ordinal or x"), "(or ordinal x)");
    assert_eq!(shape("not_done"), "not_done");
    assert_eq!(
        err_at("a contains_b"),
        ("contains_b".into(), "unexpected `contains_b`".into())
    );
}

#[test]
fn keywords_are_fields_after_a_dot() {
    assert_eq!(shape("steps.not.x"), "steps.not.x");
    assert_eq!(shape("a.and.or.true.null"), "a.and.or.true.null");
}

#[test]
fn keyword_is_not_a_path_head() {
    let e = err("and.x");
    assert_eq!(e.message, "expected an expression, found keyword `and`");
    assert_eq!(
        err_at("a android b"),
        ("android".into(), "unexpected `android`".into())
    );
}

// --- spans --------------------------------------------------------------------------

#[test]
fn spans_cover_exactly_the_text() {
    let src = "  a.b  >  7   and not c ";
    let e = parse_expr(src).unwrap();
    assert_eq!(text(src, &e.span), "a.b  >  7   and not c");
    let ExprKind::Binary { lhs, rhs, .. } = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(text(src, &lhs.span), "a.b  >  7");
    assert_eq!(text(src, &rhs.span), "not c");
    let ExprKind::Binary { lhs: path, .. } = &lhs.kind else {
        panic!("{lhs:?}")
    };
    assert_eq!(text(src, &path.span), "a.b");
}

#[test]
fn parenthesised_spans_include_the_parentheses() {
    let src = "(a + b) * c";
    let e = parse_expr(src).unwrap();
    assert_eq!(text(src, &e.span), src);
    let ExprKind::Binary { lhs, .. } = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(text(src, &lhs.span), "(a + b)");
}

#[test]
fn segment_spans() {
    let src = "steps.x[2].items.0";
    let e = parse_expr(src).unwrap();
    let ExprKind::Path(path) = &e.kind else {
        panic!("{e:?}")
    };
    let texts: Vec<String> = path.segments.iter().map(|s| text(src, &s.span())).collect();
    assert_eq!(texts, ["steps", "x", "[2]", "items", "0"]);
}

#[test]
fn call_filter_and_between_spans() {
    let src = "f( a ) | join(', ')";
    let e = parse_expr(src).unwrap();
    assert_eq!(text(src, &e.span), src);
    let ExprKind::Filter { input, name, args } = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(text(src, &input.span), "f( a )");
    assert_eq!(text(src, &name.span), "join");
    assert_eq!(text(src, &args[0].span), "', '");
    let ExprKind::Call { name, .. } = &input.kind else {
        panic!("{input:?}")
    };
    assert_eq!(text(src, &name.span), "f");

    let src = "x between 1 and -y ";
    assert_eq!(
        text(src, &parse_expr(src).unwrap().span),
        "x between 1 and -y"
    );
    let src = "not  - a";
    let e = parse_expr(src).unwrap();
    assert_eq!(text(src, &e.span), "not  - a");
    let ExprKind::Unary { operand, .. } = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(text(src, &operand.span), "- a");
}

// --- errors -------------------------------------------------------------------------

#[test]
fn empty_input() {
    let e = err("");
    assert_eq!(
        (e.span, e.message.as_str()),
        (0..0, "expected an expression")
    );
    assert_eq!(e.label, "expected a path, literal, `(` or `not` here");
    assert_eq!(err("  \n ").span, 4..4);
}

#[test]
fn missing_operand() {
    let e = err("a and ");
    assert_eq!(e.span, 6..6);
    assert_eq!(e.message, "expected an expression after `and`");
    assert_eq!(e.label, "expected a path, literal, `(` or `not` here");
    assert_eq!(
        err_at("a == )"),
        (")".into(), "expected an expression after `==`".into())
    );
    assert_eq!(err("a == ").label, "expected a path, literal or `(` here");
    assert_eq!(
        err_at("a +"),
        ("".into(), "expected an expression after `+`".into())
    );
}

#[test]
fn unexpected_tokens() {
    assert_eq!(err_at("a)"), (")".into(), "unexpected `)`".into()));
    assert_eq!(
        err("a)").label,
        "expected an operator or the end of the expression here"
    );
    assert_eq!(err_at("a b"), ("b".into(), "unexpected `b`".into()));
    assert_eq!(err_at("a é"), ("é".into(), "unexpected `é`".into()));
    assert_eq!(err_at("a 'x'"), ("'x'".into(), "unexpected string".into()));
    assert_eq!(err_at("f(a b)"), ("b".into(), "unexpected `b`".into()));
    assert_eq!(err("f(a b)").label, "expected an operator, `,` or `)` here");
}

#[test]
fn unterminated_string() {
    assert_eq!(
        err_at("a == \"abc"),
        ("\"abc".into(), "unterminated string".into())
    );
    assert_eq!(
        err_at("'ab\\'"),
        ("'ab\\'".into(), "unterminated string".into())
    );
}

#[test]
fn unknown_escape() {
    assert_eq!(
        err_at(r"'a\qb'"),
        (r"\q".into(), r"unknown escape `\q`".into())
    );
}

#[test]
fn chained_comparison() {
    assert_eq!(
        err_at("a < b < c"),
        ("<".into(), "comparison operators cannot be chained".into())
    );
    assert_eq!(err("a < b < c").span, 6..7);
    assert_eq!(
        err_at("x between 1 and 2 == y"),
        ("==".into(), "comparison operators cannot be chained".into())
    );
}

#[test]
fn no_in_operator() {
    let e = err("x in [1,2]");
    assert_eq!(text("x in [1,2]", &e.span), "in");
    assert_eq!(e.message, "there is no `in` operator");
    assert!(e.label.contains("contains"), "{}", e.label);
}

#[test]
fn unsupported_pipeline_ex_syntax() {
    assert_eq!(err_at("a ? b : c"), ("?".into(), "unexpected `?`".into()));
    assert_eq!(
        err_at("previous_response:orders_by_tier"),
        (":".into(), "unexpected `:`".into())
    );
    assert_eq!(err_at("a = b"), ("=".into(), "unexpected `=`".into()));
}

#[test]
fn unclosed_delimiters() {
    assert_eq!(err_at("(a or b"), ("(".into(), "unclosed `(`".into()));
    assert_eq!(err_at("f(x, [1, 2"), ("[".into(), "unclosed `[`".into()));
    assert_eq!(err_at("f("), ("(".into(), "unclosed `(`".into()));
    assert_eq!(err_at("x[2"), ("[".into(), "unclosed `[`".into()));
}

#[test]
fn incomplete_paths_and_filters() {
    assert_eq!(
        err_at("steps."),
        ("".into(), "expected a field name or index after `.`".into())
    );
    assert_eq!(
        err_at("steps. x"),
        (
            " ".into(),
            "expected a field name or index after `.`".into()
        )
    );
    assert_eq!(
        err_at("x[a]"),
        ("a".into(), "expected an integer index after `[`".into())
    );
    assert_eq!(
        err_at("x | "),
        ("".into(), "expected a filter name after `|`".into())
    );
    assert_eq!(
        err_at("x | 1"),
        ("1".into(), "expected a filter name after `|`".into())
    );
}

#[test]
fn not_inside_comparison_needs_parentheses() {
    let (at, message) = err_at("a == not b");
    assert_eq!(at, "not");
    assert!(message.contains("without parentheses"), "{message}");
}

#[test]
fn between_needs_and() {
    assert_eq!(
        err_at("x between 1 or 2"),
        ("or".into(), "expected `and` in `between` expression".into())
    );
}

#[test]
fn out_of_range_numbers() {
    assert_eq!(
        err_at("99999999999999999999"),
        (
            "99999999999999999999".into(),
            "integer literal is too large".into()
        )
    );
    assert_eq!(err_at("x[99999999999999999999]").1, "index is too large");
    assert_eq!(err_at("1e999").1, "float literal is out of range");
}

// --- limits -------------------------------------------------------------------------

#[test]
fn nesting_limit() {
    let ok = format!("{}a{}", "(".repeat(64), ")".repeat(64));
    assert!(parse_expr(&ok).is_ok());
    let deep = format!("{}a{}", "(".repeat(65), ")".repeat(65));
    let e = err(&deep);
    assert_eq!(e.message, "expression nests too deeply");
    assert_eq!(e.span, 64..65);
    assert_eq!(
        err(&"[".repeat(100_000)).message,
        "expression nests too deeply"
    );
    assert_eq!(
        err(&format!("{}a", "not ".repeat(65))).message,
        "expression nests too deeply"
    );
    assert_eq!(
        err(&format!("{}a", "-".repeat(65))).message,
        "expression nests too deeply"
    );
    assert!(parse_expr(&format!("{}a", "!".repeat(64))).is_ok());
}

#[test]
fn prefix_operators_in_sibling_operands_do_not_add_up() {
    let src = vec!["-a"; 100].join(" + ");
    assert!(parse_expr(&src).is_ok());
    let src = vec!["not a"; 100].join(" and ");
    assert!(parse_expr(&src).is_ok());
    let src = format!("a{}", ".not".repeat(100));
    assert!(parse_expr(&src).is_ok());
}

#[test]
fn operator_limit() {
    assert!(parse_expr(&vec!["a"; 257].join("+")).is_ok());
    let e = err(&vec!["a"; 258].join("+"));
    assert_eq!(e.message, "expression has too many operators");
}

#[test]
fn deepest_allowed_nesting_fits_a_small_stack() {
    // The recursive forms at the limit must parse on a thread with Rust's default 2 MiB
    // stack even in debug builds (they need about 1 MiB there).
    let src = format!("{}x{}", "f([(".repeat(21), ")])".repeat(21));
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || parse_expr(&src).map(|_| ()))
        .unwrap();
    assert_eq!(handle.join().unwrap(), Ok(()));
}

// --- templates ----------------------------------------------------------------------

#[test]
fn template_splits_text_and_holes() {
    let src = r#"Review {{ inputs.code }} given {{ steps.analyze.issues | join(", ") }}"#;
    let (t, errors) = parse_template(src);
    assert!(errors.is_empty(), "{errors:?}");
    let [
        TemplatePart::Text(a),
        TemplatePart::Expr { expr: e1, span: s1 },
        TemplatePart::Text(b),
        TemplatePart::Expr { expr: e2, span: s2 },
    ] = t.parts.as_slice()
    else {
        panic!("{t:?}")
    };
    assert_eq!((a.as_str(), b.as_str()), ("Review ", " given "));
    assert_eq!(text(src, s1), "{{ inputs.code }}");
    assert_eq!(text(src, &e1.span), "inputs.code");
    assert_eq!(text(src, s2), r#"{{ steps.analyze.issues | join(", ") }}"#);
    assert_eq!(sexp(e2), r#"(| join steps.analyze.issues ", ")"#);
}

#[test]
fn template_spans_are_bytes_in_the_whole_string() {
    let src = "héllo → {{ steps.a }} wörld";
    let (t, errors) = parse_template(src);
    assert!(errors.is_empty());
    let expr = t.exprs().next().unwrap();
    assert_eq!(text(src, &expr.span), "steps.a");
    assert_eq!(t.parts.len(), 3);
    assert_eq!(t.parts[2], TemplatePart::Text(" wörld".into()));
}

#[test]
fn required_template_holes_parse() {
    for src in [
        "{{state.current_iteration}}",
        "{{timestamp}}",
        "{{ timestamp }}",
        "{{multiply(inputs.item_count, inputs.multiplier)}}",
        "{{state.current_iteration + 1}}",
        "{{state.current_iteration < state.max_iterations}}",
        "{{steps.collect_feedback.results}}",
        "{{loop.item}}",
        "{{global_vars.parent_var}}",
        r#"{{ steps.a.items | join(", ") }}"#,
        "{{ inputs.docs | length }}",
        "{{ steps.x | json }}",
    ] {
        let (t, errors) = parse_template(src);
        assert!(errors.is_empty(), "{src}: {errors:?}");
        assert!(t.single_expr().is_some(), "{src}: {t:?}");
    }
}

#[test]
fn template_errors_are_relative_to_the_whole_string() {
    let src = "a {{state.current_iteration == 0 ? state.initial_file : state.latest_output_file}}";
    let (t, errors) = parse_template(src);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].message, "unexpected `?`");
    assert_eq!(text(src, &errors[0].span), "?");
    let TemplatePart::Invalid { source, span } = &t.parts[1] else {
        panic!("{t:?}")
    };
    assert_eq!(source, &src[4..src.len() - 2]);
    assert_eq!(text(src, span), &src[2..]);

    let src = "é {{previous_response:orders_by_tier}}";
    let (_, errors) = parse_template(src);
    assert_eq!(text(src, &errors[0].span), ":");
}

#[test]
fn template_error_at_end_of_hole_points_at_the_braces() {
    let src = "x {{ a and }} y";
    let (_, errors) = parse_template(src);
    assert_eq!(errors[0].message, "expected an expression after `and`");
    assert_eq!(text(src, &errors[0].span), "}}");
}

#[test]
fn unclosed_hole() {
    let src = "a {{ b";
    let (t, errors) = parse_template(src);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].message, "unclosed `{{`");
    assert_eq!(text(src, &errors[0].span), "{{");
    assert_eq!(
        t.parts,
        [
            TemplatePart::Text("a ".into()),
            TemplatePart::Invalid {
                source: " b".into(),
                span: 2..6
            }
        ]
    );
}

#[test]
fn empty_hole() {
    let src = "a {{  }}b";
    let (t, errors) = parse_template(src);
    assert_eq!(errors[0].message, "empty template expression");
    assert_eq!(text(src, &errors[0].span), "{{  }}");
    assert!(matches!(&t.parts[1], TemplatePart::Invalid { source, .. } if source == "  "));
    assert_eq!(t.parts[2], TemplatePart::Text("b".into()));
}

#[test]
fn text_without_holes() {
    let (t, errors) = parse_template("a }} b { c");
    assert!(errors.is_empty());
    assert_eq!(t.parts, [TemplatePart::Text("a }} b { c".into())]);
    assert!(t.is_plain());
    let (t, _) = parse_template("");
    assert!(t.parts.is_empty());
}

#[test]
fn adjacent_holes_have_no_empty_text_between() {
    let (t, errors) = parse_template("{{a}}{{b}}");
    assert!(errors.is_empty());
    assert_eq!(t.parts.len(), 2);
    assert_eq!(t.exprs().map(sexp).collect::<Vec<_>>(), ["a", "b"]);
}

#[test]
fn hole_ends_at_first_closing_braces() {
    let src = "{{ '}}' }}";
    let (t, errors) = parse_template(src);
    assert_eq!(errors[0].message, "unterminated string");
    assert_eq!(t.parts.last(), Some(&TemplatePart::Text("' }}".into())));
}

// --- robustness ---------------------------------------------------------------------

/// Every span must lie inside `src` on character boundaries.
fn check_spans(src: &str, e: &Expr) {
    assert!(
        src.get(e.span.start as usize..e.span.end as usize)
            .is_some(),
        "{src:?} {e:?}"
    );
    match &e.kind {
        ExprKind::Path(_) | ExprKind::Literal(_) => {}
        ExprKind::List(items) | ExprKind::Call { args: items, .. } => {
            items.iter().for_each(|i| check_spans(src, i));
        }
        ExprKind::Unary { operand, .. } => check_spans(src, operand),
        ExprKind::Binary { lhs, rhs, .. } => {
            check_spans(src, lhs);
            check_spans(src, rhs);
        }
        ExprKind::Between { value, low, high } => {
            for e in [value, low, high] {
                check_spans(src, e);
            }
        }
        ExprKind::Filter { input, args, .. } => {
            check_spans(src, input);
            args.iter().for_each(|i| check_spans(src, i));
        }
    }
}

#[test]
fn odd_inputs_never_panic() {
    // Tricky characters, and expression-like tokens so that some inputs parse and the
    // error paths deep inside valid-looking input are reached too.
    const TRICKY: &[&str] = &[
        "{", "}", "{{", "}}", "(", ")", "[", "]", "\"", "'", "\\", "|", ".", ":", "?", "!", "-",
        "<", ">", "=", "é", "\n", " ", "a", "0", "→", "\t", "_",
    ];
    const OPERANDS: &[&str] = &[
        "a", "x.y", "s[0]", "1", "2.5", "'q'", "not b", "-c", "(d)", "[e, 1]", "f()", "g(h, 2)",
        "i | j", "k | l(3)", "é", "?",
    ];
    const OPERATORS: &[&str] = &[
        " and ",
        " or ",
        " && ",
        " == ",
        " < ",
        " + ",
        "-",
        " * ",
        " % ",
        " contains ",
        " between 1 and ",
        " matches ",
        " : ",
        ",",
        ")",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    let mut parsed = 0;
    for round in 0..800 {
        let len = next() % 10;
        let src: String = if round % 2 == 0 {
            (0..len).map(|_| TRICKY[next() % TRICKY.len()]).collect()
        } else {
            (0..=len)
                .map(|i| {
                    let set = if i % 2 == 0 { OPERANDS } else { OPERATORS };
                    set[next() % set.len()]
                })
                .collect()
        };
        match parse_expr(&src) {
            Ok(e) => {
                parsed += 1;
                check_spans(&src, &e);
            }
            Err(e) => {
                assert!(
                    src.get(e.span.start as usize..e.span.end as usize)
                        .is_some()
                );
                assert!(
                    !e.message.is_empty() && !e.label.is_empty(),
                    "{src:?} {e:?}"
                );
                assert!(!e.label.contains('_'), "rule name leaked: {e:?}");
                let at_end = e.span.start as usize == src.len();
                assert!(at_end || !e.span.is_empty(), "{src:?} {e:?}");
            }
        }
        let template = format!("é {{{{{src}}}}} {src}");
        let (t, errors) = parse_template(&template);
        for e in &errors {
            let at = template.get(e.span.start as usize..e.span.end as usize);
            assert!(at.is_some_and(|at| !at.is_empty()), "{template:?} {e:?}");
        }
        t.exprs().for_each(|e| check_spans(&template, e));
    }
    assert!(
        parsed > 40,
        "only {parsed} inputs parsed: the generator is too random"
    );
}

#[test]
fn fast_paths_build_exactly_what_the_full_parser_builds() {
    let samples = [
        "steps.a",
        "  inputs.code ",
        "loop.item",
        "a.b.c_d",
        "steps.triage.label == 'bug'",
        "score >= 8",
        "x != \"done\"",
        "rating > 4.0",
        "active == true",
        "flag == null",
        "steps.s0 != ''",
        "n <= 10",
        "1 < 2",
        "x == False",
    ];
    for src in samples {
        let fast = super::plain_path(src, 0).or_else(|| super::simple_comparison(src, 0));
        let full = super::parse_full(src, 0).expect("valid");
        assert_eq!(fast.as_ref(), Some(&full), "{src}");
    }
    // Forms the fast paths must leave to the full parser.
    for src in [
        "a == b == c",
        "not a",
        "a and b",
        "x == 'it\\'s'",
        "f(x) > 1",
        "a[0] == 1",
        "a - b",
        "a < -3",
        "and",
        "a =! b",
        "0x1 == 1",
    ] {
        assert!(
            super::plain_path(src, 0)
                .or_else(|| super::simple_comparison(src, 0))
                .is_none(),
            "{src}"
        );
    }
}
