//! Error envelopes in each API's native shape, as whole bodies and as mid-stream events.
//!
//! - OpenAI body: `{"error":{"message","type","param","code"}}`; mid-stream: `data: {"error":{...}}\n\n` with
//!   no `[DONE]` after it (the SDKs raise on an `error` key in a chunk).
//! - Anthropic body: `{"type":"error","error":{"type","message"}}`; mid-stream: `event: error\ndata: <same>\n\n`.
//!
//! [`ErrorKind`] is the API-neutral classification; it maps HTTP statuses and both APIs' type strings to each
//! other. [`parse_error_body`] reads whatever a provider sent (either envelope, common variants, or plain
//! text) so that the message survives translation.

mod kind;
mod parse;

use bytes::{BufMut, BytesMut};

use crate::json_str::write_json_string;

pub use kind::ErrorKind;
pub use parse::{MAX_MESSAGE_BYTES, ParsedError, parse_error_body};

/// An OpenAI error body. `param` and `code` are written as `null` when absent, as OpenAI does.
pub fn openai_error_body(
    kind: ErrorKind,
    message: &str,
    param: Option<&str>,
    code: Option<&str>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 96);
    write_openai_error_json(&mut out, kind, message, param, code);
    out
}

/// An Anthropic error body.
pub fn anthropic_error_body(kind: ErrorKind, message: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 64);
    write_anthropic_error_json(&mut out, kind, message);
    out
}

/// Appends an OpenAI mid-stream error event. Nothing (in particular no `[DONE]`) should follow it.
pub fn write_openai_stream_error(
    out: &mut BytesMut,
    kind: ErrorKind,
    message: &str,
    code: Option<&str>,
) {
    out.reserve(message.len() + 112);
    out.put_slice(b"data: ");
    write_openai_error_json(out, kind, message, None, code);
    out.put_slice(b"\n\n");
}

/// Appends an Anthropic mid-stream `error` event.
pub fn write_anthropic_stream_error(out: &mut BytesMut, kind: ErrorKind, message: &str) {
    out.reserve(message.len() + 80);
    out.put_slice(b"event: error\ndata: ");
    write_anthropic_error_json(out, kind, message);
    out.put_slice(b"\n\n");
}

fn write_openai_error_json<B: BufMut>(
    out: &mut B,
    kind: ErrorKind,
    message: &str,
    param: Option<&str>,
    code: Option<&str>,
) {
    out.put_slice(b"{\"error\":{\"message\":");
    write_json_string(out, message);
    out.put_slice(b",\"type\":");
    write_json_string(out, kind.openai_type());
    out.put_slice(b",\"param\":");
    write_opt(out, param);
    out.put_slice(b",\"code\":");
    write_opt(out, code);
    out.put_slice(b"}}");
}

fn write_anthropic_error_json<B: BufMut>(out: &mut B, kind: ErrorKind, message: &str) {
    out.put_slice(b"{\"type\":\"error\",\"error\":{\"type\":");
    write_json_string(out, kind.anthropic_type());
    out.put_slice(b",\"message\":");
    write_json_string(out, message);
    out.put_slice(b"}}");
}

fn write_opt<B: BufMut>(out: &mut B, value: Option<&str>) {
    match value {
        Some(v) => write_json_string(out, v),
        None => out.put_slice(b"null"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn openai_body_shape() {
        let body = openai_error_body(
            ErrorKind::RateLimit,
            "slow \"down\"",
            None,
            Some("rate_limit_exceeded"),
        );
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            v,
            json!({"error": {"message": "slow \"down\"", "type": "rate_limit_error", "param": null, "code": "rate_limit_exceeded"}})
        );
    }

    #[test]
    fn anthropic_body_shape() {
        let v: Value =
            serde_json::from_slice(&anthropic_error_body(ErrorKind::Overloaded, "busy")).unwrap();
        assert_eq!(
            v,
            json!({"type": "error", "error": {"type": "overloaded_error", "message": "busy"}})
        );
    }

    #[test]
    fn stream_events() {
        let mut out = BytesMut::new();
        write_openai_stream_error(&mut out, ErrorKind::Server, "cut", None);
        write_anthropic_stream_error(&mut out, ErrorKind::Timeout, "late");
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            "data: {\"error\":{\"message\":\"cut\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n\
             event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"timeout_error\",\"message\":\"late\"}}\n\n"
        );
    }
}
