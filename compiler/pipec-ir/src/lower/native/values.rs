//! Value readers the native format needs beyond [`Ctx`]'s: positive counts (bounds that
//! must allow at least one of something), durations (`30`, `"30s"`, `"500ms"`, `"2m"`,
//! `"1h"`) and the two forms of `retry:`.

use pipec_diagnostics::{Code, Diagnostic, Span};
use pipec_syntax::{NodeKind, NodeRef};

use super::keys::{BACKOFFS, RETRY};
use crate::lower::{Ctx, KeyPolicy, kind_error};

/// A whole number of at least 1 (bounds, token counts); P0104 or P0107 otherwise.
pub fn positive(ctx: &mut Ctx<'_>, node: NodeRef<'_>, what: &str) -> Option<u64> {
    match ctx.count(node, what)? {
        0 => {
            ctx.push(
                Diagnostic::new(
                    Code::P0107,
                    node.span(),
                    format!("{what} must be at least 1"),
                )
                .with_primary_label("zero allows nothing to run"),
            );
            None
        }
        n => Some(n),
    }
}

/// A duration in seconds: a number, or a string with a unit (`ms`, `s`, `m`, `h`). It must
/// be above zero.
pub fn duration(ctx: &mut Ctx<'_>, node: NodeRef<'_>, what: &str) -> Option<f64> {
    let seconds = match node.kind() {
        NodeKind::Int(_) | NodeKind::Float(_) => node.as_f64(),
        NodeKind::Str(text, _) => match parse_duration(text) {
            Some(seconds) => Some(seconds),
            None => {
                ctx.push(
                    Diagnostic::new(Code::P0107, node.span(), format!("invalid duration `{text}` for {what}"))
                        .with_primary_label("not a duration")
                        .with_help("write seconds as a number (`30`), or a number with a unit: `500ms`, `30s`, `2m`, `1h`"),
                );
                return None;
            }
        },
        _ => {
            ctx.push(kind_error(
                node,
                what,
                "a number of seconds or a duration such as `30s`",
            ));
            return None;
        }
    }?;
    if seconds > 0.0 && seconds.is_finite() {
        Some(seconds)
    } else {
        ctx.push(
            Diagnostic::new(
                Code::P0107,
                node.span(),
                format!("{what} must be above zero"),
            )
            .with_primary_label("no step can finish in this time"),
        );
        None
    }
}

/// `"500ms"`, `"30s"`, `"2m"`, `"1h"`, `"1.5s"` (or a bare number) in seconds.
pub fn parse_duration(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit.trim_start() {
        "" | "s" => 1.0,
        "ms" => 0.001,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return None,
    };
    if number.is_empty() {
        return None;
    }
    number.parse::<f64>().ok().map(|n| n * scale)
}

/// `retry:` as the step's most attempts: `retry: N` is N retries (N + 1 attempts);
/// `{max_attempts, backoff, base_delay_ms}` gives the attempts explicitly.
pub fn retry(ctx: &mut Ctx<'_>, node: NodeRef<'_>) -> Option<u32> {
    if let Some(map) = node.as_map() {
        ctx.check_keys(map, RETRY, KeyPolicy::Error, "`retry`");
        if let Some(backoff) = map.get("backoff") {
            ctx.one_of(backoff, "backoff", BACKOFFS);
        }
        if let Some(delay) = map.get("base_delay_ms") {
            ctx.count(delay, "`base_delay_ms`");
        }
        let Some(attempts_node) = map.get("max_attempts") else {
            ctx.push(
                Diagnostic::new(Code::P0103, node.span(), "`retry` is missing `max_attempts`")
                    .with_primary_label("`max_attempts` is required here")
                    .with_help("give the total number of attempts, such as `max_attempts: 3`, or write `retry: 2` for two retries"),
            );
            return None;
        };
        let attempts = positive(ctx, attempts_node, "`max_attempts`")?;
        return fit_u32(ctx, attempts, attempts_node.span());
    }
    if matches!(node.kind(), NodeKind::Int(_)) {
        let retries = ctx.count(node, "`retry`")?;
        return fit_u32(ctx, retries.saturating_add(1), node.span());
    }
    ctx.push(kind_error(
        node,
        "`retry`",
        "a number of retries or a mapping with `max_attempts`",
    ));
    None
}

fn fit_u32(ctx: &mut Ctx<'_>, attempts: u64, span: Span) -> Option<u32> {
    match u32::try_from(attempts) {
        Ok(n) => Some(n),
        Err(_) => {
            ctx.push(
                Diagnostic::new(Code::P0107, span, "too many retry attempts")
                    .with_primary_label(format!("{attempts} attempts do not fit in 32 bits")),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Some(30.0));
        assert_eq!(parse_duration("500ms"), Some(0.5));
        assert_eq!(parse_duration("2m"), Some(120.0));
        assert_eq!(parse_duration("1h"), Some(3600.0));
        assert_eq!(parse_duration("1.5 s"), Some(1.5));
        assert_eq!(parse_duration("45"), Some(45.0));
        for bad in ["", "s", "10 minutes", "1m30s", "-3s", "1..2s"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
