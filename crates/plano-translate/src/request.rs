//! Request translation, one module per direction (named `<client>_to_<upstream>`).
//!
//! Each module exposes `convert` (typed → typed, for chaining directions later, e.g. Responses → Chat →
//! Messages) and `translate` (bytes → bytes).
//!
//! Policy for fields, in both directions:
//! - fields with an equivalent are mapped;
//! - fields known to the source API with no equivalent are dropped (listed in each module);
//! - unknown top-level fields pass through verbatim (usually provider extensions the client meant for the
//!   upstream), unless the translated body already sets the same key. Bedrock is the exception: it rejects
//!   unknown members, so only its own top-level members pass ([`BEDROCK_PASSED_THROUGH`]).

pub mod anthropic_to_bedrock;
pub mod anthropic_to_openai;
pub mod openai_to_anthropic;
pub mod openai_to_bedrock;
mod to_bedrock;

pub use to_bedrock::PASSED_THROUGH as BEDROCK_PASSED_THROUGH;

use serde_json::{Map, Value};

use crate::TranslateError;

/// Moves `extra` (minus `dropped` keys) into `target`, skipping keys for which `is_set` says the typed body
/// already has a value (a duplicate key would make the body ambiguous).
pub(crate) fn pass_through_extras(
    extra: Map<String, Value>,
    dropped: &[&str],
    is_set: impl Fn(&str) -> bool,
    target: &mut Map<String, Value>,
) {
    for (key, value) in extra {
        if !dropped.contains(&key.as_str()) && !is_set(&key) {
            target.insert(key, value);
        }
    }
}

/// A request error pointing at one message.
pub(crate) fn invalid(index: usize, why: &str) -> TranslateError {
    TranslateError::InvalidRequest(format!("messages[{index}]: {why}"))
}
