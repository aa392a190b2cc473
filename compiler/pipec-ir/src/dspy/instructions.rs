//! A signature's instructions as DSPy 3.4.1 computes them: the default
//! ``Given the fields `a`, `b`, produce the fields `c`.``, or the given text through
//! `inspect.cleandoc` (tabs expanded, common indentation and blank edge lines removed);
//! an empty given text means the default.

/// DSPy's default instructions for these field names.
#[must_use]
pub fn default_instructions<'n>(
    inputs: impl IntoIterator<Item = &'n str>,
    outputs: impl IntoIterator<Item = &'n str>,
) -> String {
    let quote = |names: &mut dyn Iterator<Item = &'n str>| {
        names
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "Given the fields {}, produce the fields {}.",
        quote(&mut inputs.into_iter()),
        quote(&mut outputs.into_iter())
    )
}

/// The instructions DSPy ends up with: `given` cleaned, or the default when `given` is
/// absent or empty (pydantic's `create_model` drops an empty docstring).
#[must_use]
pub fn instructions(given: Option<&str>, default: impl FnOnce() -> String) -> String {
    match given {
        Some(text) if !text.is_empty() => cleandoc(text),
        _ => default(),
    }
}

/// Python 3.11's `inspect.cleandoc`.
#[must_use]
pub fn cleandoc(doc: &str) -> String {
    let expanded = expand_tabs(doc);
    let mut lines: Vec<String> = expanded.split('\n').map(str::to_owned).collect();
    let margin = lines
        .iter()
        .skip(1)
        .filter_map(|line| {
            let content = line.trim_start_matches(is_python_space).chars().count();
            (content > 0).then(|| line.chars().count() - content)
        })
        .min();
    if let Some(first) = lines.first_mut() {
        *first = first.trim_start_matches(is_python_space).to_owned();
    }
    if let Some(margin) = margin {
        for line in lines.iter_mut().skip(1) {
            *line = line.chars().skip(margin).collect();
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let leading = lines.iter().take_while(|l| l.is_empty()).count();
    lines.drain(..leading);
    lines.join("\n")
}

/// `str.isspace` of one character.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

/// `str.expandtabs()`: tab stops every 8 columns; the column restarts after `\n` and `\r`.
fn expand_tabs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut column = 0usize;
    for c in text.chars() {
        match c {
            '\t' => {
                let spaces = 8 - column % 8;
                out.extend(std::iter::repeat_n(' ', spaces));
                column += spaces;
            }
            '\n' | '\r' => {
                out.push(c);
                column = 0;
            }
            c => {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        assert_eq!(
            default_instructions(["a", "b"], ["c"]),
            "Given the fields `a`, `b`, produce the fields `c`."
        );
        assert_eq!(
            default_instructions([], []),
            "Given the fields , produce the fields ."
        );
    }

    #[test]
    fn cleandoc_as_python() {
        assert_eq!(
            cleandoc("  First line.\n    Indented second.\n      Deeper.\n"),
            "First line.\nIndented second.\n  Deeper."
        );
        assert_eq!(cleandoc("Tabs:\n\tone\n\ttwo"), "Tabs:\none\ntwo");
        assert_eq!(cleandoc("  "), "");
        assert_eq!(cleandoc("\n\n  a\n"), "a");
        assert_eq!(cleandoc("a\n\n b"), "a\n\nb");
        assert_eq!(cleandoc("\t x\n\t\ty"), "x\ny");
        assert_eq!(cleandoc("\u{a0}x\n  y"), "x\ny");
        assert_eq!(cleandoc("x\r\n y"), "x\r\ny");
    }
}
