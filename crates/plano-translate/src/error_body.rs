//! Upstream error bodies → the client API's error envelope.
//!
//! Providers answer errors in their own shape (or in none: proxies return HTML or plain text). Clients' SDKs
//! only understand their own API's envelope, so the message is extracted from whatever arrived and re-wrapped;
//! the type comes from the provider's `type` when recognizable, else from the HTTP status.

use plano_catalog::Api;
use plano_wire::error::{anthropic_error_body, openai_error_body, parse_error_body};

/// Re-wraps an upstream error body (any shape, possibly not JSON) in the client API's envelope, keeping the
/// message text (truncated to [`plano_wire::error::MAX_MESSAGE_BYTES`]).
pub fn translate_error_body(upstream: Api, client: Api, status: u16, body: &[u8]) -> Vec<u8> {
    // The upstream API does not change how the body is read: providers behind an "OpenAI-compatible" API
    // often answer errors in some other shape, so every body goes through the same tolerant parser.
    let _ = upstream;
    let parsed = parse_error_body(status, body);
    match client {
        Api::AnthropicMessages => anthropic_error_body(parsed.kind, &parsed.message),
        Api::OpenAiChat | Api::OpenAiResponses | Api::BedrockConverse => openai_error_body(
            parsed.kind,
            &parsed.message,
            parsed.param.as_deref(),
            parsed.code.as_deref(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn translate(upstream: Api, client: Api, status: u16, body: &str) -> Value {
        serde_json::from_slice(&translate_error_body(
            upstream,
            client,
            status,
            body.as_bytes(),
        ))
        .unwrap()
    }

    #[test]
    fn openai_error_to_anthropic_client() {
        let v = translate(
            Api::OpenAiChat,
            Api::AnthropicMessages,
            429,
            r#"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#,
        );
        assert_eq!(
            v,
            json!({"type":"error","error":{"type":"rate_limit_error","message":"Rate limit reached"}})
        );
    }

    #[test]
    fn anthropic_error_to_openai_client() {
        let v = translate(
            Api::AnthropicMessages,
            Api::OpenAiChat,
            529,
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}"#,
        );
        assert_eq!(
            v,
            json!({"error":{"message":"Overloaded","type":"server_error","param":null,"code":null}})
        );
    }

    #[test]
    fn non_json_body_becomes_the_message() {
        let v = translate(
            Api::OpenAiChat,
            Api::AnthropicMessages,
            502,
            "<html>Bad Gateway</html>",
        );
        assert_eq!(
            v,
            json!({"type":"error","error":{"type":"api_error","message":"<html>Bad Gateway</html>"}})
        );
        let v = translate(Api::AnthropicMessages, Api::OpenAiChat, 401, "");
        assert_eq!(v["error"]["type"], "authentication_error");
        assert_eq!(v["error"]["message"], "upstream returned HTTP 401");
    }

    #[test]
    fn status_decides_when_type_is_unknown() {
        let v = translate(
            Api::OpenAiChat,
            Api::AnthropicMessages,
            413,
            r#"{"error":{"message":"too big","type":"weird"}}"#,
        );
        assert_eq!(v["error"]["type"], "request_too_large");
    }
}
