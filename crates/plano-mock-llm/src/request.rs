//! What a reply needs from the incoming request: which API (by path suffix), the model,
//! the stream flags and the last user message's text.
//!
//! The mock never rejects a request: a body that is not JSON is treated as `{}`, so the
//! gateway's output is judged by the test through the recording, not by the mock.

use serde_json::Value;

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

pub(crate) fn facts(body: &[u8]) -> RequestFacts {
    let input_tokens = (body.len() as u64 / 4).max(1);
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let model = json
        .get("model")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let stream = json.get("stream").and_then(Value::as_bool).unwrap_or(false);
    let include_usage = json
        .pointer("/stream_options/include_usage")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    RequestFacts {
        model,
        stream,
        include_usage,
        user_text: last_user_text(&json),
        input_tokens,
    }
}

/// Text of the last `role: "user"` message: a string `content`, or the concatenated `text`
/// parts/blocks of an array `content` (same shape in both APIs).
fn last_user_text(json: &Value) -> String {
    let Some(messages) = json.get("messages").and_then(Value::as_array) else {
        return String::new();
    };
    let Some(msg) = messages
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
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
    }
}
