//! Reading a provider's error body, whatever its shape, into a message plus optional type/code.

use serde_json::Value;

use super::ErrorKind;

/// Longest message kept from an upstream body; longer ones are cut at a character boundary and marked `…`.
pub const MAX_MESSAGE_BYTES: usize = 2048;

/// What could be read from an error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedError {
    /// Human-readable message (never empty).
    pub message: String,
    /// The provider's `type`, if it gave one.
    pub type_str: Option<String>,
    /// The provider's `code`, if it gave one (numbers are rendered as text).
    pub code: Option<String>,
    /// The provider's `param`, if it gave one.
    pub param: Option<String>,
    /// The classification: from a specific `type` when recognized, else from the status.
    pub kind: ErrorKind,
}

/// Reads an error body of any shape.
///
/// The kind comes from the status, unless the provider's `type` names something more specific.
///
/// Understood: the OpenAI and Anthropic envelopes, `{"error":"text"}`, `{"message":..}` / `{"detail":..}`
/// (FastAPI, Bedrock), and a one-element array of any of those (Gemini). Anything else, including non-JSON, is
/// taken as text; an empty body yields a message naming the status.
pub fn parse_error_body(status: u16, body: &[u8]) -> ParsedError {
    let mut parsed = ParsedError {
        message: String::new(),
        type_str: None,
        code: None,
        param: None,
        kind: ErrorKind::from_status(status),
    };
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => {
            let value = match value {
                Value::Array(mut items) if items.len() == 1 => items.swap_remove(0),
                other => other,
            };
            read_json(&value, &mut parsed);
            if parsed.message.is_empty() && !matches!(value, Value::Null) {
                parsed.message = truncate(value.to_string().trim());
            }
        }
        Err(_) => parsed.message = truncate(String::from_utf8_lossy(body).trim()),
    }
    if parsed.message.is_empty() {
        parsed.message = format!("upstream returned HTTP {status}");
    }
    // A specific `type` (overloaded, rate limit, ...) beats the status, but the generic ones do not: OpenAI
    // answers a bad key with 401 and `invalid_request_error`, and that is an authentication error.
    match parsed
        .type_str
        .as_deref()
        .and_then(ErrorKind::from_type_str)
    {
        Some(ErrorKind::InvalidRequest | ErrorKind::Server) | None => {}
        Some(kind) => parsed.kind = kind,
    }
    parsed
}

fn read_json(value: &Value, parsed: &mut ParsedError) {
    let Value::Object(map) = value else {
        if let Value::String(s) = value {
            parsed.message = truncate(s.trim());
        }
        return;
    };
    match map.get("error") {
        Some(Value::Object(inner)) => {
            parsed.message = text(inner.get("message")).unwrap_or_default();
            parsed.type_str = text(inner.get("type")).or_else(|| text(inner.get("status")));
            parsed.code = text(inner.get("code"));
            parsed.param = text(inner.get("param"));
        }
        Some(Value::String(s)) => parsed.message = truncate(s.trim()),
        _ => {}
    }
    if parsed.message.is_empty() {
        for key in ["message", "Message", "detail", "error_description", "msg"] {
            if let Some(m) = map.get(key).and_then(|v| text(Some(v))) {
                parsed.message = m;
                break;
            }
        }
    }
    if parsed.type_str.is_none() && map.get("type").and_then(Value::as_str) != Some("error") {
        parsed.type_str = text(map.get("type"));
    }
    // AWS JSON protocols name the exception in `__type` (`ns#ThrottlingException`).
    if parsed.type_str.is_none() {
        parsed.type_str = text(map.get("__type"));
    }
}

/// A string value, or a compact rendering of a structured one (FastAPI's `detail` is often a list).
fn text(value: Option<&Value>) -> Option<String> {
    let s = match value? {
        Value::Null => return None,
        Value::String(s) => truncate(s.trim()),
        other => truncate(&other.to_string()),
    };
    (!s.is_empty()).then_some(s)
}

fn truncate(s: &str) -> String {
    if s.len() <= MAX_MESSAGE_BYTES {
        return s.to_owned();
    }
    let mut end = MAX_MESSAGE_BYTES;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_envelope() {
        let p = parse_error_body(
            400,
            br#"{"error":{"message":"context too long","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#,
        );
        assert_eq!(p.message, "context too long");
        assert_eq!(p.code.as_deref(), Some("context_length_exceeded"));
        assert_eq!(p.param.as_deref(), Some("messages"));
        assert_eq!(p.kind, ErrorKind::InvalidRequest);
    }

    #[test]
    fn anthropic_envelope_type_wins_over_status() {
        let p = parse_error_body(
            500,
            br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        );
        assert_eq!(
            (p.message.as_str(), p.kind),
            ("Overloaded", ErrorKind::Overloaded)
        );
    }

    #[test]
    fn other_shapes() {
        assert_eq!(
            parse_error_body(500, br#"{"error":"boom"}"#).message,
            "boom"
        );
        assert_eq!(
            parse_error_body(422, br#"{"detail":[{"loc":["body"],"msg":"bad"}]}"#).message,
            r#"[{"loc":["body"],"msg":"bad"}]"#
        );
        assert_eq!(
            parse_error_body(400, br#"{"message":"Malformed input"}"#).message,
            "Malformed input"
        );
        let aws = parse_error_body(
            400,
            br#"{"__type":"com.amazon.coral.service#ThrottlingException","Message":"Too many requests"}"#,
        );
        assert_eq!(
            (aws.message.as_str(), aws.kind),
            ("Too many requests", ErrorKind::RateLimit)
        );
        let gemini = parse_error_body(
            429,
            br#"[{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED"}}]"#,
        );
        assert_eq!(
            (gemini.message.as_str(), gemini.code.as_deref(), gemini.kind),
            ("quota", Some("429"), ErrorKind::RateLimit)
        );
        assert_eq!(
            parse_error_body(503, b"  upstream connect error  ").message,
            "upstream connect error"
        );
        assert_eq!(
            parse_error_body(502, b"").message,
            "upstream returned HTTP 502"
        );
        assert_eq!(
            parse_error_body(502, br#"{"unexpected":true}"#).message,
            r#"{"unexpected":true}"#
        );
        assert_eq!(
            parse_error_body(502, b"\xff\xfe bad").message,
            "\u{fffd}\u{fffd} bad"
        );
    }

    #[test]
    fn long_messages_are_truncated_on_char_boundary() {
        let body = "é".repeat(MAX_MESSAGE_BYTES);
        let p = parse_error_body(500, body.as_bytes());
        assert!(p.message.len() <= MAX_MESSAGE_BYTES + "…".len());
        assert!(p.message.ends_with('…'));
    }
}
