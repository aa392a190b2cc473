//! Hostile input never panics or hangs: each case gets its coded error, and each run is
//! bounded (the whole test file runs in well under a second in release builds; the bounds
//! themselves are enforced by the limits in `pipec_syntax::limits`, not by timing here).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failing test"
)]

use pipec_check::{InputFile, MemoryLoader, check};

fn codes(name: &str, bytes: Vec<u8>) -> Vec<&'static str> {
    let result = check(
        vec![InputFile {
            name: name.into(),
            bytes,
        }],
        &mut MemoryLoader::new(),
    );
    result.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn an_empty_file_is_p0001() {
    assert_eq!(codes("e.yaml", Vec::new()), ["P0001"]);
    assert_eq!(codes("e.yaml", b"# only a comment\n".to_vec()), ["P0001"]);
    assert_eq!(codes("e.json", b"  \n".to_vec()), ["P0001"]);
}

#[test]
fn invalid_utf8_is_p0002() {
    assert_eq!(
        codes("u.yaml", b"workflow:\n  name: \xff\xfe\n".to_vec()),
        ["P0002"]
    );
}

#[test]
fn a_binary_file_is_p0003() {
    let mut bytes = b"\x7fELF\x02\x01\x01".to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 4096));
    assert_eq!(codes("bin.yaml", bytes), ["P0003"]);
}

#[test]
fn deep_nesting_is_p0007_not_a_stack_overflow() {
    let depth = 10_000;
    let block: String = (0..depth)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    assert_eq!(codes("deep.yaml", block.into_bytes()), ["P0007"]);
    let flow = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert_eq!(codes("flow.yaml", flow.clone().into_bytes()), ["P0007"]);
    assert_eq!(codes("deep.json", flow.into_bytes()), ["P0007"]);
}

#[test]
fn an_alias_bomb_is_p0008() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    assert_eq!(codes("bomb.yaml", text.into_bytes()), ["P0008"]);
}

#[test]
fn a_file_over_the_size_limit_is_refused() {
    let line = "    - {name: s, type: gemini, prompt: [{type: static, content: hello}]}\n";
    let mut text = String::from("workflow:\n  name: big\n  steps:\n");
    while text.len() <= 50 * 1024 * 1024 {
        text.push_str(line);
    }
    assert_eq!(codes("big.yaml", text.into_bytes()), ["P0010"]);
}

#[test]
fn duplicate_keys_are_p0009() {
    let text = "workflow:\n  name: a\n  name: b\n  steps:\n    - {name: s, type: gemini, prompt: [{type: static, content: x}]}\n";
    assert_eq!(codes("dup.yaml", text.as_bytes().to_vec()), ["P0009"]);
    let json = r#"{"pipec": 1, "pipec": 1}"#;
    assert!(codes("dup.json", json.as_bytes().to_vec()).contains(&"P0009"));
}

#[test]
fn tab_indentation_is_p0006() {
    let text = "workflow:\n\tname: tabs\n";
    assert_eq!(codes("tab.yaml", text.as_bytes().to_vec()), ["P0006"]);
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A deterministic generator over characters that stress YAML, JSON and templates.
    let alphabet: Vec<char> = "{}[]:,-?&*!|>'\"#%@` \n\t\\abcxyz019.é{{}}"
        .chars()
        .collect();
    let mut state = 0x2545_f491_u64;
    for len in [1usize, 7, 31, 200] {
        for _ in 0..300 {
            let text: String = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[usize::try_from(state % alphabet.len() as u64).unwrap()]
                })
                .collect();
            for name in ["f.yaml", "f.json", "f.pipe"] {
                let _ = codes(name, text.clone().into_bytes());
                let wrapped = format!(
                    "pipec: 1\nname: x\nsteps:\n  - id: a\n    kind: llm\n    prompt: \"{}\"\n",
                    text.replace('"', "'")
                );
                let _ = codes(name, wrapped.into_bytes());
            }
        }
    }
}

#[test]
fn fuzz_regressions_never_panic() {
    // Inputs cargo-fuzz found; each once crashed the checker.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/check");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for name in ["r.yaml", "r.json"] {
            let result = check(
                vec![InputFile {
                    name: name.into(),
                    bytes: bytes.clone(),
                }],
                &mut MemoryLoader::new(),
            );
            assert!(
                result
                    .diagnostics
                    .iter()
                    .all(|d| d.code.as_str().starts_with('P'))
            );
        }
        seen += 1;
    }
    assert!(seen > 0, "no regression inputs in {}", dir.display());
}

#[test]
fn dsl_fuzz_regressions_never_panic() {
    // Inputs the `dsl` fuzz target found (and minimised versions of them). Each once made
    // the DSL's fast paths disagree with pest, or put a diagnostic span inside a character.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/dsl");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let file = pipec_diagnostics::FileId(0);
        let fast = pipec_syntax::dsl::parse_ast(file, &text);
        assert_eq!(fast, pipec_syntax::dsl::parse_ast_by_pest(file, &text));
        for d in &fast.1 {
            let (start, end) = (d.primary.span.start as usize, d.primary.span.end as usize);
            assert!(start <= end && end <= text.len());
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        }
        let _ = codes("r.pipe", bytes);
        seen += 1;
    }
    assert!(seen > 0, "no regression inputs in {}", dir.display());
}

#[test]
fn invalid_utf8_before_a_nul_is_p0003() {
    assert_eq!(codes("x.yaml", vec![0xff, 0x00]), ["P0003"]);
}
