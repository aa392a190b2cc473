//! Unit tests of the DSL front-end: the scan's statements and recovery, the desugared
//! document's shape and spans, and bounds on hostile input. Whole-pipeline behaviour
//! (every check on `.pipe` text) is tested by the checker's fixtures under
//! `compiler/pipec-check/tests/fixtures/dsl/`.

use pipec_diagnostics::{Code, Diagnostic, FileId, Span};

use super::scan::scan;
use super::{parse_ast, parse_pipe};
use crate::expr::parse_template;
use crate::node::{Document, NodeKind, NodeRef, ScalarStyle};
use crate::scalar_map::ScalarMapper;

fn doc(text: &str) -> (Document, Vec<Diagnostic>) {
    let parsed = parse_pipe(FileId(0), text);
    (parsed.document.expect("a document"), parsed.diagnostics)
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    diagnostics.iter().map(|d| d.code.as_str()).collect()
}

fn text_of(src: &str, span: Span) -> &str {
    &src[span.start as usize..span.end as usize]
}

/// `root.key.key...` by string keys and sequence indexes.
fn at<'d>(doc: &'d Document, path: &[&str]) -> NodeRef<'d> {
    let mut node = doc.root();
    for key in path {
        node = match key.parse::<usize>() {
            Ok(i) => node.as_seq().and_then(|mut s| s.nth(i)).expect(key),
            Err(_) => node.as_map().and_then(|m| m.get(key)).expect(key),
        };
    }
    node
}

const SAMPLE: &str = r#"// A sample with one of everything.
/// Review code.
pipeline sample

/// The code
input code: str
input n: int = 3

enum Level { low, "very high" }

type Issue {
    title: str; line: int (ge = 1)
}

model fast = "openai/gpt-4o-mini" {
    max_tokens 100
    price { input_per_mtok 0.15; output_per_mtok 0.6 }
}

/// Find issues.
signature find(code: str) -> (issues: list[Issue])

step a = predict find(code = inputs.code) {
    model fast
    retry { max_attempts 3; backoff exponential }
    depends_on b
    cache
}

step each = map issue in steps.a.issues {
    max_items 5
    step fix = llm "Fix {{ issue.title }}"
}

step chat = llm {
    system "Be terse."
    user inputs.code
}

step top = transform steps.a.issues {
    filter item.line > 3
    sort line, order = desc
    take 2
}

step route = branch {
    case steps.a.issues | length > 0 { step yes = llm "yes" }
    default { step no = llm "no" }
}

step again = loop until steps.check.ok {
    max_iterations 3
    step check = predict "draft: str -> ok: bool"(draft = "x")
}

output issues: list[Issue] = steps.a.issues
"#;

#[test]
fn the_sample_desugars_to_the_native_shape() {
    let (doc, diagnostics) = doc(SAMPLE);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(at(&doc, &["pipec"]).as_int(), Some(1));
    assert_eq!(at(&doc, &["name"]).as_str(), Some("sample"));
    assert_eq!(at(&doc, &["description"]).as_str(), Some("Review code."));
    assert_eq!(
        at(&doc, &["inputs", "code", "desc"]).as_str(),
        Some("The code")
    );
    assert_eq!(at(&doc, &["inputs", "n", "default"]).as_int(), Some(3));
    assert_eq!(
        at(&doc, &["types", "Level", "enum", "1"]).as_str(),
        Some("very high")
    );
    assert_eq!(
        at(&doc, &["types", "Issue", "fields", "line", "ge"]).as_int(),
        Some(1)
    );
    assert_eq!(
        at(&doc, &["models", "fast", "provider"]).as_str(),
        Some("openai")
    );
    assert_eq!(
        at(&doc, &["models", "fast", "model"]).as_str(),
        Some("gpt-4o-mini")
    );
    assert_eq!(
        at(&doc, &["models", "fast", "price", "output_per_mtok"]).as_f64(),
        Some(0.6)
    );
    assert_eq!(
        at(&doc, &["signatures", "find", "instructions"]).as_str(),
        Some("Find issues.")
    );
    let a = ["steps", "0"];
    assert_eq!(at(&doc, &[a[0], a[1], "kind"]).as_str(), Some("predict"));
    assert_eq!(at(&doc, &[a[0], a[1], "signature"]).as_str(), Some("find"));
    assert_eq!(
        at(&doc, &[a[0], a[1], "with", "code"]).as_str(),
        Some("{{ inputs.code }}")
    );
    assert_eq!(
        at(&doc, &[a[0], a[1], "retry", "max_attempts"]).as_int(),
        Some(3)
    );
    assert_eq!(
        at(&doc, &[a[0], a[1], "depends_on", "0"]).as_str(),
        Some("b")
    );
    assert_eq!(at(&doc, &[a[0], a[1], "cache"]).as_bool(), Some(true));
    assert_eq!(at(&doc, &["steps", "1", "as"]).as_str(), Some("issue"));
    assert_eq!(
        at(&doc, &["steps", "1", "over"]).as_str(),
        Some("steps.a.issues")
    );
    assert_eq!(
        at(&doc, &["steps", "1", "steps", "0", "id"]).as_str(),
        Some("fix")
    );
    assert_eq!(
        at(&doc, &["steps", "2", "messages", "1", "content"]).as_str(),
        Some("{{ inputs.code }}")
    );
    assert_eq!(
        at(&doc, &["steps", "3", "ops", "1", "field"]).as_str(),
        Some("line")
    );
    assert_eq!(
        at(&doc, &["steps", "3", "ops", "1", "order"]).as_str(),
        Some("desc")
    );
    assert_eq!(
        at(&doc, &["steps", "3", "ops", "2", "count"]).as_int(),
        Some(2)
    );
    assert_eq!(
        at(&doc, &["steps", "4", "cases", "0", "when"]).as_str(),
        Some("steps.a.issues | length > 0")
    );
    assert_eq!(
        at(&doc, &["steps", "4", "default", "0", "id"]).as_str(),
        Some("no")
    );
    assert_eq!(
        at(&doc, &["steps", "5", "until"]).as_str(),
        Some("steps.check.ok")
    );
    assert_eq!(
        at(&doc, &["outputs", "issues", "type"]).as_str(),
        Some("list[Issue]")
    );
}

#[test]
fn keys_span_their_keyword_and_values_their_text() {
    let (doc, _) = doc(SAMPLE);
    let step = at(&doc, &["steps", "0"]).as_map().unwrap();
    let (id_key, id) = step.entry("id").unwrap();
    assert_eq!(text_of(SAMPLE, id_key.span()), "step");
    assert_eq!(text_of(SAMPLE, id.span()), "a");
    let (kind_key, _) = step.entry("kind").unwrap();
    assert_eq!(text_of(SAMPLE, kind_key.span()), "predict");
    let (retry_key, _) = step.entry("retry").unwrap();
    assert_eq!(text_of(SAMPLE, retry_key.span()), "retry");
    let over = at(&doc, &["steps", "1", "over"]);
    assert_eq!(text_of(SAMPLE, over.span()), "steps.a.issues");
    let ty = at(&doc, &["outputs", "issues", "type"]);
    assert_eq!(text_of(SAMPLE, ty.span()), "list[Issue]");
    let provider = at(&doc, &["models", "fast", "provider"]);
    assert_eq!(text_of(SAMPLE, provider.span()), "openai");
    let model = at(&doc, &["models", "fast", "model"]);
    assert_eq!(text_of(SAMPLE, model.span()), "gpt-4o-mini");
}

/// Map a template hole's path in `node` back to the file.
fn hole_span(src: &str, node: NodeRef<'_>, needle: &str) -> Span {
    let value = node.as_str().unwrap();
    let (template, errors) = parse_template(value);
    assert!(errors.is_empty());
    assert!(!template.parts.is_empty());
    let at = value.find(needle).unwrap();
    let mapper = ScalarMapper::new(src, node.span(), node.style().unwrap(), value);
    mapper.map(at..at + needle.len())
}

#[test]
fn template_holes_map_to_the_exact_source_characters() {
    let src = "pipeline p\nstep a = llm \"Caf\\u{e9} \\\"q\\\" {{ steps.x.y }}\"\n\
               step b = llm \"\"\"\n    one\n      {{ inputs.z }}\n    \"\"\"\n\
               step c = predict s(k = steps.a == 'v w')\n";
    let (doc, diagnostics) = doc(src);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let quoted = at(&doc, &["steps", "0", "prompt"]);
    assert_eq!(quoted.style(), Some(ScalarStyle::DoubleQuoted));
    assert_eq!(text_of(src, hole_span(src, quoted, "x.y")), "x.y");
    let block = at(&doc, &["steps", "1", "prompt"]);
    assert_eq!(block.style(), Some(ScalarStyle::Literal));
    assert_eq!(block.as_str(), Some("one\n  {{ inputs.z }}"));
    assert_eq!(text_of(src, hole_span(src, block, "inputs.z")), "inputs.z");
    let bare = at(&doc, &["steps", "2", "with", "k"]);
    assert_eq!(bare.style(), Some(ScalarStyle::Bare));
    assert_eq!(text_of(src, hole_span(src, bare, "'v w'")), "'v w'");
}

#[test]
fn one_bad_statement_is_one_error_and_the_rest_is_read() {
    let src = "pipeline p\nstep a = llm \"x\"\nstep b: llm \"y\"\nstep c = llm \"z\" {\n  \
               timeout 30\n  retry = 2 3\n}\nstep d = llm \"w\"\n";
    let (doc, diagnostics) = doc(src);
    assert_eq!(codes(&diagnostics), ["P0020", "P0020"], "{diagnostics:?}");
    let ids: Vec<&str> = at(&doc, &["steps"])
        .as_seq()
        .unwrap()
        .map(|s| s.as_map().unwrap().get("id").unwrap().as_str().unwrap())
        .collect();
    // `b` is a placeholder, so references to it still resolve.
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert_eq!(
        at(&doc, &["steps", "1", "kind"]).as_str(),
        Some("transform")
    );
    assert_eq!(at(&doc, &["steps", "2", "timeout"]).as_int(), Some(30));
}

#[test]
fn the_scan_cuts_statements_and_blocks() {
    let src = "a (x,\n y) // c\nb { c; d \"}\" }\n\ne\n{\n f\n}\n/// doc\ng '{'";
    let outline = scan(FileId(0), src);
    assert!(outline.diagnostics.is_empty(), "{:?}", outline.diagnostics);
    let texts: Vec<&str> = outline.stmts.iter().map(|s| text_of(src, s.span)).collect();
    assert_eq!(texts, ["a (x,\n y)", "b", "e", "g '{'"]);
    let block = outline.stmts[1].block.as_ref().unwrap();
    let inner: Vec<&str> = block.stmts.iter().map(|s| text_of(src, s.span)).collect();
    assert_eq!(inner, ["c", "d \"}\""]);
    // A `{` on a line of its own belongs to the statement before it.
    assert_eq!(outline.stmts[2].block.as_ref().unwrap().stmts.len(), 1);
    assert_eq!(outline.stmts[3].docs.len(), 1);
    assert_eq!(outline.comments.len(), 2);
}

#[test]
fn an_unclosed_bracket_ends_at_the_next_statement() {
    let src = "pipeline p\nstep a = set(x = 1,\nstep b = llm \"y\"\n";
    let (doc, diagnostics) = doc(src);
    assert_eq!(codes(&diagnostics), ["P0021"]);
    assert_eq!(at(&doc, &["steps", "1", "id"]).as_str(), Some("b"));
}

#[test]
fn deep_nesting_is_p0007_without_overflowing_the_stack() {
    let depth = 20_000;
    let mut src = String::from("pipeline p\n");
    for i in 0..depth {
        src.push_str(&format!("step s{i} = map inputs.x {{\n"));
    }
    src.push_str(&"}\n".repeat(depth));
    let parsed = parse_pipe(FileId(0), &src);
    assert_eq!(codes(&parsed.diagnostics), ["P0007"]);
    let brackets = format!(
        "pipeline p\noutput o = {}x{}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let parsed = parse_pipe(FileId(0), &brackets);
    assert_eq!(codes(&parsed.diagnostics), ["P0007"]);
}

#[test]
fn empty_files_and_comment_only_files_are_p0001() {
    for src in ["", "  \n", "// only a comment\n"] {
        let parsed = parse_pipe(FileId(0), src);
        assert!(parsed.document.is_none());
        assert_eq!(codes(&parsed.diagnostics), ["P0001"], "{src:?}");
    }
}

#[test]
fn the_tree_keeps_every_comment_and_doc() {
    let (ast, diagnostics) = parse_ast(FileId(0), SAMPLE);
    assert!(diagnostics.is_empty());
    assert_eq!(ast.comments.len(), 4);
    assert_eq!(ast.comments.iter().filter(|c| c.doc).count(), 3);
    assert!(matches!(
        ast.items.first().map(|i| &i.kind),
        Some(super::ast::ItemKind::Pipeline(_))
    ));
}

#[test]
fn hostile_text_never_panics_and_spans_stay_in_bounds() {
    let alphabet: Vec<char> = "{}()[]\"'/=:,;-> \n\tstep map in é\\\"\"\"pipeline x\u{feff}\0"
        .chars()
        .collect();
    let mut state = 0x9e37_79b9_u64;
    for len in [1usize, 5, 20, 80, 300] {
        for _ in 0..300 {
            let text: String = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            assert_eq!(
                parse_ast(FileId(0), &text),
                super::parse_ast_by_pest(FileId(0), &text),
                "the fast paths disagree with pest on {text:?}"
            );
            let parsed = parse_pipe(FileId(0), &text);
            for d in &parsed.diagnostics {
                let s = d.primary.span;
                assert!(
                    s.start <= s.end && s.end as usize <= text.len(),
                    "{text:?}: {d:?}"
                );
                assert!(text.is_char_boundary(s.start as usize), "{text:?}: {d:?}");
                assert!(text.is_char_boundary(s.end as usize), "{text:?}: {d:?}");
            }
            if let Some(doc) = parsed.document {
                for i in 0..doc.node_count() {
                    let node = doc.node(crate::node::NodeId(u32::try_from(i).unwrap()));
                    let s = node.span();
                    assert!(s.end as usize <= text.len(), "{text:?}");
                    if let NodeKind::Str(..) = node.kind() {
                        assert!(text.is_char_boundary(s.start as usize), "{text:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn codes_are_the_dsl_range() {
    for code in [
        Code::P0020,
        Code::P0021,
        Code::P0022,
        Code::P0023,
        Code::P0024,
        Code::P0025,
        Code::P0026,
        Code::P0027,
    ] {
        assert!(code.as_str() >= "P0020" && code.as_str() < "P0040");
    }
}

/// Every `.pipe` file of the repository (examples and checker fixtures).
fn repository_pipe_files() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut dirs = vec![
        root.join("examples"),
        root.join("compiler/pipec-check/tests/fixtures/dsl"),
    ];
    let mut out = Vec::new();
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "pipe") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }
    out
}

#[test]
fn the_fast_paths_agree_with_pest() {
    let mut inputs = repository_pipe_files();
    assert!(inputs.len() > 10, "only {} .pipe files found", inputs.len());
    inputs.push(("sample".into(), SAMPLE.into()));
    // Statements near the fast paths' edges.
    let edges = [
        "step a = llm \"x\"",
        "step a=llm\"x\"",
        "step a = llm \"\"",
        "step a = llm \"a\\\"b\"",
        "step  a\t=\tllm  \"x\" ",
        "step a == llm",
        "step a = llm-x \"y\"",
        "step é = llm \"x\"",
        "step a = lléé \"x\"",
        "stepa = llm",
        "step a = llm\"x\"y",
        "step a = llm 'x'",
        "timeout 30s",
        "timeout -3",
        "timeout 1.5e3",
        "timeout 1.",
        "timeout 1e",
        "cache",
        "cache true",
        "x null",
        "x nullx",
        "max-tokens 2",
        "k a,b",
        "k \"s\"",
        "k é",
        "kéy v",
        "when a == 'b'",
        "when",
        "when  x ",
        "until(x)",
        "k  v",
        "k\tv",
        "k -",
        "k 99999999999999999999",
        "when a\0b",
        "k v\0",
        "step a = llm \"x\0\"",
        "step a = llm\0",
        "\u{feff}step a = llm",
    ];
    for edge in edges {
        inputs.push((
            edge.into(),
            format!("pipeline p\n{edge}\nstep z = llm \"q\" {{\n  {edge}\n}}\n"),
        ));
    }
    for (name, text) in &inputs {
        let fast = parse_ast(FileId(0), text);
        let reference = super::parse_ast_by_pest(FileId(0), text);
        assert_eq!(fast.0, reference.0, "{name}: trees differ");
        assert_eq!(fast.1, reference.1, "{name}: diagnostics differ");
    }
}

/// Every ```pipe block of `docs/dsl.md` reads without a syntax diagnostic (snippets are
/// given a `pipeline` line), and the first one is `examples/code_review.pipe`.
#[test]
fn the_language_reference_examples_parse() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let docs = std::fs::read_to_string(root.join("docs/dsl.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in docs.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```pipe") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(blocks.len() >= 12, "only {} examples", blocks.len());
    let example = std::fs::read_to_string(root.join("examples/code_review.pipe")).unwrap();
    assert_eq!(
        blocks[0], example,
        "the first example is examples/code_review.pipe"
    );
    for block in &blocks {
        let text = if block.lines().any(|l| l.starts_with("pipeline ")) {
            block.clone()
        } else {
            format!("pipeline doc\n{block}")
        };
        let parsed = parse_pipe(FileId(0), &text);
        assert!(
            parsed.diagnostics.is_empty(),
            "{:?} in\n{text}",
            parsed.diagnostics
        );
    }
}
