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
use crate::json_out::{Obj, object};
use crate::reply::{ErrorSpec, Finish};
use crate::sse_writer::{SseWriter, push_json};
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

fn write_usage(o: &mut Obj<'_>, a: &Answer<'_>, output_tokens: u64) {
    let u = &a.usage;
    o.u64("input_tokens", u.input_tokens)
        .u64("cache_creation_input_tokens", u.cache_creation_input_tokens)
        .u64("cache_read_input_tokens", u.cached_input_tokens)
        .obj("cache_creation", |c| {
            c.u64("ephemeral_5m_input_tokens", u.cache_creation_input_tokens)
                .u64("ephemeral_1h_input_tokens", 0);
        })
        .u64("output_tokens", output_tokens)
        .str("service_tier", "standard");
}

fn tool_ids(a: &Answer<'_>) -> Vec<String> {
    a.tool_calls
        .iter()
        .map(|c| c.id.clone().unwrap_or_else(ids::anthropic_tool))
        .collect()
}

/// Non-streaming `message` body.
pub(crate) fn json_body(a: &Answer<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(768);
    let tool_ids = tool_ids(a);
    let (reason, seq) = stop_reason(&a.finish);
    object(&mut out, |o| {
        o.str("id", &ids::anthropic_msg())
            .str("type", "message")
            .str("role", "assistant")
            .str("model", a.model);
        o.arr("content", |content| {
            if let Some(t) = a.thinking {
                content.obj(|b| {
                    b.str("type", "thinking")
                        .str("thinking", t)
                        .str("signature", &ids::thinking_signature());
                });
            }
            if let Some(t) = a.text.as_deref() {
                content.obj(|b| {
                    b.str("type", "text").str("text", t);
                });
            }
            for (call, id) in a.tool_calls.iter().zip(&tool_ids) {
                content.obj(|b| {
                    b.str("type", "tool_use")
                        .str("id", id)
                        .str("name", &call.name)
                        .value("input", &call.arguments);
                });
            }
        });
        o.str("stop_reason", reason)
            .opt_str("stop_sequence", seq)
            .obj("usage", |u| write_usage(u, a, a.usage.output_tokens));
    });
    out
}

/// Writes one `content_block_delta` with a single string field.
fn string_delta(w: &mut SseWriter, index: usize, kind: &str, field: &str, s: &str) {
    w.event_with(Some("content_block_delta"), |buf| {
        object(buf, |o| {
            o.str("type", "content_block_delta")
                .u64("index", index as u64)
                .obj("delta", |d| {
                    d.str("type", kind).str(field, s);
                });
        });
    });
}

fn block_start(
    w: &mut SseWriter,
    index: usize,
    block: impl FnOnce(&mut Obj<'_>),
    pinged: &mut bool,
) {
    w.event_with(Some("content_block_start"), |buf| {
        object(buf, |o| {
            o.str("type", "content_block_start")
                .u64("index", index as u64)
                .obj("content_block", block);
        });
    });
    // Claude sends its first ping right after the first block starts.
    if !*pinged {
        w.event_raw(Some("ping"), br#"{"type": "ping"}"#);
        *pinged = true;
    }
}

fn block_stop(w: &mut SseWriter, index: usize) {
    w.event_with(Some("content_block_stop"), |buf| {
        object(buf, |o| {
            o.str("type", "content_block_stop")
                .u64("index", index as u64);
        });
    });
}

/// The named-event stream.
pub(crate) fn sse(a: &Answer<'_>, w: &mut SseWriter) {
    w.event_with(Some("message_start"), |buf| {
        object(buf, |o| {
            o.str("type", "message_start").obj("message", |m| {
                m.str("id", &ids::anthropic_msg())
                    .str("type", "message")
                    .str("role", "assistant")
                    .str("model", a.model)
                    .raw("content", "[]")
                    .raw("stop_reason", "null")
                    .raw("stop_sequence", "null")
                    .obj("usage", |u| write_usage(u, a, 1));
            });
        });
    });

    let mut index = 0;
    let mut pinged = false;
    if let Some(t) = a.thinking {
        block_start(
            w,
            index,
            |b| {
                b.str("type", "thinking")
                    .str("thinking", "")
                    .str("signature", "");
            },
            &mut pinged,
        );
        for piece in tokens::split_tokens(t) {
            string_delta(w, index, "thinking_delta", "thinking", piece);
        }
        string_delta(
            w,
            index,
            "signature_delta",
            "signature",
            &ids::thinking_signature(),
        );
        block_stop(w, index);
        index += 1;
    }
    if a.text.is_some() {
        block_start(
            w,
            index,
            |b| {
                b.str("type", "text").str("text", "");
            },
            &mut pinged,
        );
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
            |b| {
                b.str("type", "tool_use")
                    .str("id", &id)
                    .str("name", &call.name)
                    .raw("input", "{}");
            },
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
    w.event_with(Some("message_delta"), |buf| {
        object(buf, |o| {
            o.str("type", "message_delta")
                .obj("delta", |d| {
                    d.str("stop_reason", reason).opt_str("stop_sequence", seq);
                })
                .obj("usage", |us| {
                    us.u64("input_tokens", u.input_tokens)
                        .u64("cache_creation_input_tokens", u.cache_creation_input_tokens)
                        .u64("cache_read_input_tokens", u.cached_input_tokens)
                        .u64("output_tokens", u.output_tokens);
                });
        });
    });
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
