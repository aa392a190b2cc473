//! [`Budget`]: the pipeline's `limits:` (`max_llm_calls`, `max_tokens`, `max_cost_usd`)
//! enforced while it runs.
//!
//! Every attempt of a model call first reserves its worst case: one call, the prompt's
//! estimated tokens plus the model's `max_tokens`, and what those cost at the model's price.
//! If spent + in flight + this call would pass a limit, the call is not made and the run
//! stops with P0707 naming the limit and the numbers. After the call the reservation is
//! replaced by what it really used (the provider's reported usage, or the estimate when it
//! reports none). Reservations make this hold for calls running concurrently too.
//!
//! Prompt tokens are estimated at four characters a token (rounded up), before the call;
//! a model without `max_tokens` reserves no output tokens, which `pipec check` warns about.
//! A budget lives as long as one execution: a resumed run starts a new one (what the
//! earlier attempt spent is not in the checkpoint).

use std::sync::{Mutex, PoisonError};

use pipec_diagnostics::Code;
use pipec_ir::Limits;

use super::error::RunError;
use crate::providers::{Price, Usage};

/// The run's limits, as plain numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BudgetLimits {
    /// Most model calls (every attempt counts, as in `pipec check`'s worst case).
    pub max_calls: Option<u64>,
    /// Most tokens, prompt plus output.
    pub max_tokens: Option<u64>,
    /// Most cost in USD.
    pub max_cost_usd: Option<f64>,
}

impl BudgetLimits {
    /// The limits a pipeline declares.
    #[must_use]
    pub fn of(limits: &Limits) -> BudgetLimits {
        BudgetLimits {
            max_calls: limits.max_llm_calls.map(|l| l.value),
            max_tokens: limits.max_tokens.map(|l| l.value),
            max_cost_usd: limits.max_cost_usd.map(|l| l.value),
        }
    }
}

/// What one call may use at most, or did use.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cost {
    /// Prompt plus output tokens.
    pub tokens: u64,
    /// Prompt tokens (part of `tokens`).
    pub input_tokens: u64,
    /// USD, when the model has a price.
    pub usd: f64,
}

impl Cost {
    /// The worst case of a call: `prompt_chars` of prompt and `max_tokens` of output.
    #[must_use]
    pub fn worst(prompt_chars: usize, max_tokens: Option<u64>, price: Option<Price>) -> Cost {
        let input = estimate_tokens(prompt_chars);
        Cost::of(
            Usage {
                input_tokens: input,
                output_tokens: max_tokens.unwrap_or(0),
            },
            price,
        )
    }

    /// What `usage` costs at `price`.
    #[must_use]
    pub fn of(usage: Usage, price: Option<Price>) -> Cost {
        Cost {
            tokens: usage.total(),
            input_tokens: usage.input_tokens,
            usd: price.map_or(0.0, |p| usage.cost_usd(p)),
        }
    }
}

/// Four characters a token, rounded up.
#[must_use]
pub fn estimate_tokens(chars: usize) -> u64 {
    u64::try_from(chars.div_ceil(4)).unwrap_or(u64::MAX)
}

/// Totals of a run so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Spent {
    /// Calls made (attempts).
    pub calls: u64,
    /// Tokens used.
    pub tokens: u64,
    /// USD spent.
    pub usd: f64,
}

#[derive(Debug, Default)]
struct Ledger {
    spent: Spent,
    in_flight: Spent,
}

/// The limits and what has been spent against them.
#[derive(Debug, Default)]
pub struct Budget {
    limits: BudgetLimits,
    ledger: Mutex<Ledger>,
}

/// A reserved worst case, to settle once the call is over.
#[derive(Debug)]
#[must_use = "settle the reservation once the call is over"]
pub struct Reservation {
    worst: Cost,
}

impl Budget {
    /// A budget for `limits`, nothing spent.
    #[must_use]
    pub fn new(limits: BudgetLimits) -> Budget {
        Budget {
            limits,
            ledger: Mutex::new(Ledger::default()),
        }
    }

    /// Reserves one call's worst case.
    ///
    /// # Errors
    /// P0707 when spent + in flight + `worst` passes a limit; nothing is reserved then.
    pub fn reserve(&self, worst: Cost) -> Result<Reservation, RunError> {
        let mut ledger = self.ledger.lock().unwrap_or_else(PoisonError::into_inner);
        let Ledger { spent, in_flight } = &*ledger;
        if let Some(max) = self.limits.max_calls
            && spent.calls + in_flight.calls + 1 > max
        {
            return Err(RunError::new(
                Code::P0707,
                format!("the next model call would exceed `max_llm_calls: {max}`"),
            )
            .with_note(format!(
                "{} calls made, {} in flight; this one would be call {}",
                spent.calls,
                in_flight.calls,
                spent.calls + in_flight.calls + 1
            )));
        }
        if let Some(max) = self.limits.max_tokens
            && spent.tokens + in_flight.tokens + worst.tokens > max
        {
            return Err(RunError::new(
                Code::P0707,
                format!("the next model call could exceed `max_tokens: {max}`"),
            )
            .with_note(format!(
                "{} tokens used, {} reserved by calls in flight; this call may use up to {} ({} estimated prompt tokens + the model's `max_tokens`)",
                spent.tokens, in_flight.tokens, worst.tokens, worst.input_tokens
            )));
        }
        if let Some(max) = self.limits.max_cost_usd
            && spent.usd + in_flight.usd + worst.usd > max
        {
            return Err(RunError::new(
                Code::P0707,
                format!("the next model call could exceed `max_cost_usd: {max}`"),
            )
            .with_note(format!(
                "${:.6} spent, ${:.6} reserved by calls in flight; this call may cost up to ${:.6}",
                spent.usd, in_flight.usd, worst.usd
            )));
        }
        ledger.in_flight.calls += 1;
        ledger.in_flight.tokens += worst.tokens;
        ledger.in_flight.usd += worst.usd;
        Ok(Reservation { worst })
    }

    /// Replaces a reservation by what the call used (`None`: the call failed before any
    /// tokens were counted; it still counts as a call).
    pub fn settle(&self, reservation: Reservation, used: Option<Cost>) {
        let mut ledger = self.ledger.lock().unwrap_or_else(PoisonError::into_inner);
        let worst = reservation.worst;
        ledger.in_flight.calls = ledger.in_flight.calls.saturating_sub(1);
        ledger.in_flight.tokens = ledger.in_flight.tokens.saturating_sub(worst.tokens);
        ledger.in_flight.usd = (ledger.in_flight.usd - worst.usd).max(0.0);
        let used = used.unwrap_or_default();
        ledger.spent.calls += 1;
        ledger.spent.tokens += used.tokens;
        ledger.spent.usd += used.usd;
    }

    /// What has been spent so far.
    #[must_use]
    pub fn spent(&self) -> Spent {
        self.ledger
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .spent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(calls: Option<u64>, tokens: Option<u64>, usd: Option<f64>) -> Budget {
        Budget::new(BudgetLimits {
            max_calls: calls,
            max_tokens: tokens,
            max_cost_usd: usd,
        })
    }

    #[test]
    fn calls_in_flight_count_against_the_limit() {
        let budget = budget(Some(2), None, None);
        let a = budget.reserve(Cost::default()).unwrap();
        let b = budget.reserve(Cost::default()).unwrap();
        let refused = budget.reserve(Cost::default()).unwrap_err();
        assert_eq!(refused.code, Code::P0707);
        assert!(
            refused.message.contains("max_llm_calls: 2"),
            "{}",
            refused.message
        );
        assert!(
            refused.notes[0].contains("0 calls made, 2 in flight"),
            "{:?}",
            refused.notes
        );
        budget.settle(a, None);
        budget.settle(b, None);
        assert_eq!(budget.spent().calls, 2);
        assert!(budget.reserve(Cost::default()).is_err());
    }

    #[test]
    fn the_worst_case_is_reserved_and_the_actual_use_kept() {
        let budget = budget(None, Some(1000), None);
        let worst = Cost::worst(400, Some(600), None);
        assert_eq!(worst.tokens, 700);
        let first = budget.reserve(worst).unwrap();
        // 700 reserved + 700 more would pass 1000.
        assert!(budget.reserve(worst).is_err());
        budget.settle(
            first,
            Some(Cost::of(
                Usage {
                    input_tokens: 100,
                    output_tokens: 50,
                },
                None,
            )),
        );
        assert_eq!(budget.spent().tokens, 150);
        let second = budget.reserve(worst).unwrap();
        budget.settle(second, None);
    }

    #[test]
    fn cost_is_priced_per_million_tokens() {
        let price = Price {
            input_per_mtok: 1.0,
            output_per_mtok: 2.0,
        };
        let worst = Cost::worst(4_000, Some(1_000), Some(price));
        assert!((worst.usd - 0.003).abs() < 1e-12, "{}", worst.usd);
        let budget = budget(None, None, Some(0.005));
        let a = budget.reserve(worst).unwrap();
        let refused = budget.reserve(worst).unwrap_err();
        assert!(
            refused.message.contains("max_cost_usd: 0.005"),
            "{}",
            refused.message
        );
        budget.settle(a, Some(worst));
    }
}
