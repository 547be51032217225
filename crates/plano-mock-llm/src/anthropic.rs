//! Anthropic Messages wire format: the `message` JSON, the named-event stream
//! (`message_start`, `content_block_start`/`_delta`/`_stop`, `ping`, `message_delta`,
//! `message_stop`) and the `{"type":"error","error":{type,message},"request_id"}` body.
//!
//! Blocks come in the order Claude emits them: thinking (with a `signature_delta` before
//! its stop), text, then tool_use (an empty `input_json_delta` first, then fragments).
//! `message_start` reports input and cache tokens with `output_tokens: 1`; `message_delta`
//! carries the cumulative totals, as the current API does.

use serde_json::{Value, json};

use crate::answer::Answer;
use crate::ids;
use crate::reply::{ErrorSpec, Finish};
use crate::sse_writer::{SseWriter, push_json, push_json_str};
use crate::tokens;

/// `(stop_reason, stop_sequence)`.
fn stop_reason(f: &Finish) -> (&str, Option<&str>) {
    match f {
        Finish::Stop => ("end_turn", None),
        Finish::Length => ("max_tokens", None),
        Finish::ToolCalls => ("tool_use", None),
        Finish::ContentFilter => ("refusal", None),
        Finish::StopSequence(s) => ("stop_sequence", Some(s)),
        Finish::Other(s) => (s, None),
    }
}

fn usage_json(a: &Answer<'_>, output_tokens: u64) -> Value {
    let u = &a.usage;
    json!({
        "input_tokens": u.input_tokens,
        "cache_creation_input_tokens": u.cache_creation_input_tokens,
        "cache_read_input_tokens": u.cached_input_tokens,
        "cache_creation": {
            "ephemeral_5m_input_tokens": u.cache_creation_input_tokens,
            "ephemeral_1h_input_tokens": 0
        },
        "output_tokens": output_tokens,
        "service_tier": "standard"
    })
}

fn tool_ids(a: &Answer<'_>) -> Vec<String> {
    a.tool_calls
        .iter()
        .map(|c| c.id.clone().unwrap_or_else(ids::anthropic_tool))
        .collect()
}

/// Non-streaming `message` body.
pub(crate) fn json_body(a: &Answer<'_>) -> Vec<u8> {
    let mut content = Vec::with_capacity(1 + a.tool_calls.len());
    if let Some(t) = a.thinking {
        content.push(json!({ "type": "thinking", "thinking": t, "signature": ids::thinking_signature() }));
    }
    if let Some(t) = a.text.as_deref() {
        content.push(json!({ "type": "text", "text": t }));
    }
    for (call, id) in a.tool_calls.iter().zip(tool_ids(a)) {
        content.push(json!({ "type": "tool_use", "id": id, "name": call.name, "input": call.arguments }));
    }
    let (reason, seq) = stop_reason(&a.finish);
    let body = json!({
        "id": ids::anthropic_msg(),
        "type": "message",
        "role": "assistant",
        "model": a.model,
        "content": content,
        "stop_reason": reason,
        "stop_sequence": seq,
        "usage": usage_json(a, a.usage.output_tokens)
    });
    let mut out = Vec::with_capacity(768);
    push_json(&mut out, &body);
    out
}

/// Writes one `content_block_delta` with a single string field, without building a Value.
fn string_delta(w: &mut SseWriter, index: usize, kind: &str, field: &str, s: &str) {
    w.event_with(Some("content_block_delta"), |buf| {
        buf.extend_from_slice(b"{\"type\":\"content_block_delta\",\"index\":");
        buf.extend_from_slice(index.to_string().as_bytes());
        buf.extend_from_slice(b",\"delta\":{\"type\":\"");
        buf.extend_from_slice(kind.as_bytes());
        buf.extend_from_slice(b"\",\"");
        buf.extend_from_slice(field.as_bytes());
        buf.extend_from_slice(b"\":");
        push_json_str(buf, s);
        buf.extend_from_slice(b"}}");
    });
}

fn block_start(w: &mut SseWriter, index: usize, block: Value, pinged: &mut bool) {
    w.event_json(
        Some("content_block_start"),
        &json!({ "type": "content_block_start", "index": index, "content_block": block }),
    );
    // Claude sends its first ping right after the first block starts.
    if !*pinged {
        w.event_raw(Some("ping"), br#"{"type": "ping"}"#);
        *pinged = true;
    }
}

fn block_stop(w: &mut SseWriter, index: usize) {
    w.event_json(
        Some("content_block_stop"),
        &json!({ "type": "content_block_stop", "index": index }),
    );
}

/// The named-event stream.
pub(crate) fn sse(a: &Answer<'_>, w: &mut SseWriter) {
    let start_usage = usage_json(a, 1);
    w.event_json(
        Some("message_start"),
        &json!({
            "type": "message_start",
            "message": {
                "id": ids::anthropic_msg(),
                "type": "message",
                "role": "assistant",
                "model": a.model,
                "content": [],
                "stop_reason": null,
                "stop_sequence": null,
                "usage": start_usage
            }
        }),
    );

    let mut index = 0;
    let mut pinged = false;
    if let Some(t) = a.thinking {
        block_start(w, index, json!({ "type": "thinking", "thinking": "", "signature": "" }), &mut pinged);
        for piece in tokens::split_tokens(t) {
            string_delta(w, index, "thinking_delta", "thinking", piece);
        }
        string_delta(w, index, "signature_delta", "signature", &ids::thinking_signature());
        block_stop(w, index);
        index += 1;
    }
    if a.text.is_some() {
        block_start(w, index, json!({ "type": "text", "text": "" }), &mut pinged);
        for piece in a.text_pieces() {
            string_delta(w, index, "text_delta", "text", &piece);
        }
        block_stop(w, index);
        index += 1;
    }
    for (call, id) in a.tool_calls.iter().zip(tool_ids(a)) {
        block_start(
            w,
            index,
            json!({ "type": "tool_use", "id": id, "name": call.name, "input": {} }),
            &mut pinged,
        );
        string_delta(w, index, "input_json_delta", "partial_json", "");
        let args = call.arguments.to_string();
        for piece in tokens::split_json_args(&args) {
            string_delta(w, index, "input_json_delta", "partial_json", piece);
        }
        block_stop(w, index);
        index += 1;
    }
    if !pinged {
        w.event_raw(Some("ping"), br#"{"type": "ping"}"#);
    }

    let (reason, seq) = stop_reason(&a.finish);
    let u = &a.usage;
    w.event_json(
        Some("message_delta"),
        &json!({
            "type": "message_delta",
            "delta": { "stop_reason": reason, "stop_sequence": seq },
            "usage": {
                "input_tokens": u.input_tokens,
                "cache_creation_input_tokens": u.cache_creation_input_tokens,
                "cache_read_input_tokens": u.cached_input_tokens,
                "output_tokens": u.output_tokens
            }
        }),
    );
    w.event_raw(Some("message_stop"), br#"{"type":"message_stop"}"#);
}

/// Default `(type, message)` for a status, as Anthropic sends them.
fn error_defaults(status: u16, model: &str) -> (&'static str, String) {
    match status {
        400 => ("invalid_request_error", "Invalid request (mock).".into()),
        401 => ("authentication_error", "invalid x-api-key".into()),
        402 => (
            "billing_error",
            "Your credit balance is too low to access the Anthropic API.".into(),
        ),
        403 => (
            "permission_error",
            "Your API key does not have permission to use the specified resource.".into(),
        ),
        404 => ("not_found_error", format!("model: {model}")),
        413 => (
            "request_too_large",
            "Request exceeds the maximum allowed number of bytes.".into(),
        ),
        429 => (
            "rate_limit_error",
            "This request would exceed the rate limit for your organization of 50 requests per minute.".into(),
        ),
        500 => ("api_error", "Internal server error".into()),
        504 => ("timeout_error", "Request timed out".into()),
        529 => ("overloaded_error", "Overloaded".into()),
        s if s >= 500 => ("api_error", format!("Upstream error (mock status {s}).")),
        s => ("invalid_request_error", format!("Invalid request (mock status {s}).")),
    }
}

fn error_value(spec: &ErrorSpec, model: &str, with_request_id: bool) -> Value {
    let (ty, message) = error_defaults(spec.status, model);
    let mut v = json!({
        "type": "error",
        "error": {
            "type": spec.error_type.as_deref().unwrap_or(ty),
            "message": spec.message.as_deref().unwrap_or(&message)
        }
    });
    if let Some(obj) = v.as_object_mut().filter(|_| with_request_id) {
        obj.insert("request_id".into(), ids::anthropic_request().into());
    }
    v
}

/// `{"type":"error",…}` body for an error status.
pub(crate) fn error_body(spec: &ErrorSpec, model: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    push_json(&mut out, &error_value(spec, model, true));
    out
}

/// The `event: error` Anthropic sends when a stream fails after the headers.
pub(crate) fn stream_error_event(spec: &ErrorSpec, model: &str) -> Vec<u8> {
    let mut out = b"event: error\ndata: ".to_vec();
    push_json(&mut out, &error_value(spec, model, false));
    out.extend_from_slice(b"\n\n");
    out
}
