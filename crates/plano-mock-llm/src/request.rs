//! What a reply needs from the incoming request: which API (by path suffix), the model,
//! the stream flags and the last user message's text.
//!
//! The mock never rejects a request: a body that is not JSON is treated as `{}`, so the
//! gateway's output is judged by the test through the recording, not by the mock.

use std::collections::BTreeMap;

use serde_json::Value;
use serde_json::value::RawValue;

/// Which wire format to answer in, chosen by path suffix so any base-path prefix works
/// (`/v1/chat/completions`, `/openai/deployments/x/chat/completions?api-version=…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Api {
    OpenAi,
    Anthropic,
    Other,
}

impl Api {
    pub(crate) fn from_path(path: &str) -> Api {
        let path = path.strip_suffix('/').unwrap_or(path);
        if path.ends_with("/chat/completions") {
            Api::OpenAi
        } else if path.ends_with("/messages") {
            Api::Anthropic
        } else {
            Api::Other
        }
    }
}

/// Facts extracted from a JSON request body.
pub(crate) struct RequestFacts {
    pub model: Option<String>,
    pub stream: bool,
    /// OpenAI `stream_options.include_usage`.
    pub include_usage: bool,
    pub user_text: String,
    /// Estimated prompt tokens: a deterministic ~4 bytes per token of the request body.
    pub input_tokens: u64,
}

/// Top-level fields, borrowed: parsing into `RawValue`s validates and skips the prompt
/// without building (and hashing) a `Value` tree for it, which matters for 20 KB prompts.
type Fields<'a> = BTreeMap<&'a str, &'a RawValue>;

pub(crate) fn facts(body: &[u8]) -> RequestFacts {
    let input_tokens = (body.len() as u64 / 4).max(1);
    let mut facts = RequestFacts {
        model: None,
        stream: false,
        include_usage: false,
        user_text: String::new(),
        input_tokens,
    };
    // Borrowed keys fail on escaped key names (never seen in practice); then fall back
    // to a full parse so such a request is still understood.
    match serde_json::from_slice::<Fields<'_>>(body) {
        Ok(fields) => {
            let field = |k: &str| fields.get(k).map(|raw| raw.get());
            facts.model = field("model").and_then(|r| serde_json::from_str(r).ok());
            facts.stream = field("stream")
                .and_then(|r| serde_json::from_str(r).ok())
                .unwrap_or(false);
            facts.include_usage = field("stream_options")
                .and_then(|r| serde_json::from_str::<Value>(r).ok())
                .and_then(|v| v.get("include_usage").and_then(Value::as_bool))
                .unwrap_or(false);
            facts.user_text = field("messages")
                .map(last_user_text_raw)
                .unwrap_or_default();
        }
        Err(_) => {
            if let Ok(json) = serde_json::from_slice::<Value>(body) {
                facts.model = json.get("model").and_then(Value::as_str).map(str::to_owned);
                facts.stream = json.get("stream").and_then(Value::as_bool).unwrap_or(false);
                facts.include_usage = json
                    .pointer("/stream_options/include_usage")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if let Some(messages) = json.get("messages").and_then(Value::as_array) {
                    facts.user_text = last_user_text(messages.iter());
                }
            }
        }
    }
    facts
}

/// Only the last user message is parsed into a `Value`.
fn last_user_text_raw(messages: &str) -> String {
    let Ok(list) = serde_json::from_str::<Vec<&RawValue>>(messages) else {
        return String::new();
    };
    for raw in list.iter().rev() {
        let Ok(msg) = serde_json::from_str::<Value>(raw.get()) else {
            continue;
        };
        if msg.get("role").and_then(Value::as_str) == Some("user") {
            return last_user_text(std::iter::once(&msg));
        }
    }
    String::new()
}

/// Text of the last `role: "user"` message: a string `content`, or the concatenated `text`
/// parts/blocks of an array `content` (same shape in both APIs).
fn last_user_text<'v>(messages: impl DoubleEndedIterator<Item = &'v Value>) -> String {
    let mut messages = messages;
    let Some(msg) = messages.rfind(|m| m.get("role").and_then(Value::as_str) == Some("user"))
    else {
        return String::new();
    };
    match msg.get("content") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter(|p| p.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(""),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_by_suffix() {
        assert_eq!(Api::from_path("/v1/chat/completions"), Api::OpenAi);
        assert_eq!(
            Api::from_path("/openai/deployments/d/chat/completions"),
            Api::OpenAi
        );
        assert_eq!(Api::from_path("/anthropic/v1/messages"), Api::Anthropic);
        assert_eq!(Api::from_path("/v1/models"), Api::Other);
    }

    #[test]
    fn last_user_text_handles_parts() {
        let body = br#"{"model":"m","stream":true,"stream_options":{"include_usage":true},
            "messages":[{"role":"user","content":"first"},{"role":"assistant","content":"x"},
            {"role":"user","content":[{"type":"text","text":"a"},{"type":"image"},{"type":"text","text":"b"}]}]}"#;
        let f = facts(body);
        assert_eq!(f.user_text, "ab");
        assert!(f.stream && f.include_usage);
        assert_eq!(f.model.as_deref(), Some("m"));
        // Escaped key names take the slow path and still work.
        let f = facts(br#"{"mod\u0065l":"x","messages":[{"role":"user","content":"hi"}]}"#);
        assert_eq!(
            (f.model.as_deref(), f.user_text.as_str()),
            (Some("x"), "hi")
        );
        let f = facts(b"not json");
        assert!(f.model.is_none() && !f.stream);
    }
}
