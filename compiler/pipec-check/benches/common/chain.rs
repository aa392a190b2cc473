//! The generated pipeline both throughput benches check: a chain of `llm` steps in native
//! YAML, each reading the previous one (see `benches/README.md`).

use std::fmt::Write as _;

/// The chain pipeline of `steps` steps, in the native format.
pub fn yaml_chain(steps: usize) -> String {
    let mut out = String::with_capacity(200 + steps * 140);
    out.push_str(
        "pipec: 1\n\
         name: chain\n\
         description: A generated chain of llm steps, each refining the previous one.\n\
         inputs:\n  topic: str\n\
         models:\n  m: {provider: openai, model: gpt-4o-mini, max_tokens: 256, max_input_tokens: 1000, \
         price: {input_per_mtok: 0.15, output_per_mtok: 0.6}}\n\
         limits: {max_llm_calls: 1000000}\n\
         steps:\n",
    );
    for i in 0..steps {
        let _ = write!(out, "  - id: s{i}\n    kind: llm\n    model: m\n");
        if i == 0 {
            out.push_str("    prompt: \"Start on {{ inputs.topic }}\"\n");
            continue;
        }
        let prev = i - 1;
        if i % 4 == 0 {
            let _ = writeln!(out, "    when: \"steps.s{prev} != ''\"");
        }
        let _ = writeln!(
            out,
            "    prompt: \"Refine: {{{{ steps.s{prev} }}}} for {{{{ inputs.topic }}}}\""
        );
    }
    let _ = write!(
        out,
        "outputs:\n  result: steps.s{}\n",
        steps.saturating_sub(1)
    );
    out
}
