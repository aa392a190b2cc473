//! pydantic's default field title: `name.title().replace("_", " ")`.

/// Python's `str.title()` then `_` → space: `tool_calls` → `Tool Calls`,
/// `page2x_y` → `Page2X Y` (a letter after a non-letter starts a word).
#[must_use]
pub fn field_title(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut previous_cased = false;
    for c in name.chars() {
        let cased = c.is_uppercase() || c.is_lowercase();
        if cased && !previous_cased {
            out.extend(c.to_uppercase());
        } else if cased {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
        previous_cased = cased;
    }
    out.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_as_pydantic() {
        assert_eq!(field_title("tool_calls"), "Tool Calls");
        assert_eq!(field_title("page2x_y"), "Page2X Y");
        assert_eq!(field_title("HTMLParser"), "Htmlparser");
        assert_eq!(field_title("über"), "Über");
    }
}
