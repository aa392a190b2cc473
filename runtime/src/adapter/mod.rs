//! Adapters: how a signature call becomes chat messages, and how a completion becomes the
//! signature's output values (DSPy's `Adapter.format` / `Adapter.parse`).
//!
//! The executor only knows the [`Adapter`] trait and [`Adapters`] (a primary adapter and the
//! fallback tried once when the primary cannot parse a reply, as DSPy's ChatAdapter falls
//! back to its JSONAdapter). The implementations, [`ExactChatAdapter`] and
//! [`ExactJsonAdapter`], are `pipec-adapter`'s byte-exact port of DSPy 3.4.1's adapters, so
//! a run sends exactly the messages `pipec prompt` prints and DSPy would send.

mod exact;

use std::fmt;
use std::sync::Arc;

use pipec_ir::{Demo, Signature, TypeDef};
use serde_json::{Map, Value};

use crate::providers::Message;

pub use exact::{ExactChatAdapter, ExactJsonAdapter};

/// One call of a signature: what an adapter formats and parses against.
#[derive(Debug, Clone, Copy)]
pub struct SignatureCall<'a> {
    /// The signature as the module sees it: `chain_of_thought` has already prepended its
    /// `reasoning` output, and `instructions` is set (DSPy's default when none was written).
    pub signature: &'a Signature,
    /// The declared types of the calling pipeline, which named field types refer to.
    pub types: &'a [TypeDef],
    /// The input values, by field name.
    pub inputs: &'a Map<String, Value>,
    /// The step's few-shot examples, sent as user/assistant turns before the request.
    pub demos: &'a [Demo],
}

/// Why an adapter could not format a call or parse a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterError {
    /// What went wrong, e.g. "the reply has no `[[ ## answer ## ]]` field".
    pub message: String,
}

impl AdapterError {
    /// An error with `message`.
    #[must_use]
    pub fn new(message: impl Into<String>) -> AdapterError {
        AdapterError {
            message: message.into(),
        }
    }
}

impl fmt::Display for AdapterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AdapterError {}

/// Formats signature calls into messages and parses completions into output values.
pub trait Adapter: Send + Sync {
    /// A short name for events and errors (`chat`, `json`).
    fn name(&self) -> &'static str;

    /// The messages for `call`, system message first.
    ///
    /// # Errors
    /// When the call cannot be expressed (a type the adapter does not support).
    fn format(&self, call: &SignatureCall<'_>) -> Result<Vec<Message>, AdapterError>;

    /// The output values in `completion`, one per output field of the signature.
    ///
    /// # Errors
    /// When a field is missing or its value does not fit its type.
    fn parse(
        &self,
        call: &SignatureCall<'_>,
        completion: &str,
    ) -> Result<Map<String, Value>, AdapterError>;
}

/// The adapters predict steps use: `primary`, and `fallback` for one more call when the
/// primary cannot parse the reply.
#[derive(Clone)]
pub struct Adapters {
    /// Formats every call first.
    pub primary: Arc<dyn Adapter>,
    /// Tried once after a parse failure, if set.
    pub fallback: Option<Arc<dyn Adapter>>,
}

impl Default for Adapters {
    /// DSPy's default: the ChatAdapter, falling back to the JSONAdapter, both exact.
    fn default() -> Self {
        Adapters {
            primary: Arc::new(ExactChatAdapter),
            fallback: Some(Arc::new(ExactJsonAdapter)),
        }
    }
}

impl fmt::Debug for Adapters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Adapters")
            .field("primary", &self.primary.name())
            .field("fallback", &self.fallback.as_ref().map(|a| a.name()))
            .finish()
    }
}
