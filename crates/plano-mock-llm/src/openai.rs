//! OpenAI Chat Completions wire format: `chat.completion` JSON, `chat.completion.chunk`
//! SSE ending in `data: [DONE]`, and the `{"error":{message,type,param,code}}` body.
//!
//! Shapes follow what api.openai.com sends today: the first chunk carries
//! `role`/`content:""`/`refusal:null`; with `stream_options.include_usage` every chunk has
//! `"usage":null` and a final chunk with `"choices":[]` carries the usage. Reasoning text
//! uses the `reasoning_content` field of OpenAI-compatible servers (DeepSeek, vLLM).

use serde_json::{Value, json};

use crate::answer::Answer;
use crate::ids;
use crate::json_out::{Arr, Obj, object, push_u64};
use crate::reply::{ErrorSpec, Finish};
use crate::sse_writer::{SseWriter, push_json, push_json_str};
use crate::tokens;

pub(crate) fn finish_reason(f: &Finish) -> &str {
    match f {
        Finish::Stop | Finish::StopSequence(_) => "stop",
        Finish::Length => "length",
        Finish::ToolCalls => "tool_calls",
        Finish::ContentFilter => "content_filter",
        Finish::Other(s) => s,
    }
}

fn write_usage(o: &mut Obj<'_>, a: &Answer<'_>) {
    let u = &a.usage;
    o.u64("prompt_tokens", u.input_tokens)
        .u64("completion_tokens", u.output_tokens)
        .u64("total_tokens", u.input_tokens + u.output_tokens)
        .obj("prompt_tokens_details", |d| {
            d.u64("cached_tokens", u.cached_input_tokens)
                .u64("audio_tokens", 0);
        })
        .obj("completion_tokens_details", |d| {
            d.u64("reasoning_tokens", u.reasoning_tokens)
                .u64("audio_tokens", 0)
                .u64("accepted_prediction_tokens", 0)
                .u64("rejected_prediction_tokens", 0);
        });
}

fn tool_call_ids(a: &Answer<'_>) -> Vec<String> {
    a.tool_calls
        .iter()
        .map(|c| c.id.clone().unwrap_or_else(ids::openai_call))
        .collect()
}

/// Non-streaming `chat.completion` body.
pub(crate) fn json_body(a: &Answer<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(768);
    let call_ids = tool_call_ids(a);
    object(&mut out, |o| {
        o.str("id", &ids::chatcmpl())
            .str("object", "chat.completion")
            .u64("created", ids::now_secs())
            .str("model", a.model);
        o.arr("choices", |choices| {
            choices.obj(|c| {
                c.u64("index", 0);
                c.obj("message", |m| {
                    m.str("role", "assistant")
                        .opt_str("content", a.text.as_deref());
                    if let Some(t) = a.thinking {
                        m.str("reasoning_content", t);
                    }
                    if !a.tool_calls.is_empty() {
                        m.arr("tool_calls", |arr| {
                            for (call, id) in a.tool_calls.iter().zip(&call_ids) {
                                arr.obj(|tc| {
                                    tc.str("id", id)
                                        .str("type", "function")
                                        .obj("function", |f| {
                                            f.str("name", &call.name)
                                                .str("arguments", &call.arguments.to_string());
                                        });
                                });
                            }
                        });
                    }
                    m.raw("refusal", "null").raw("annotations", "[]");
                });
                c.raw("logprobs", "null")
                    .str("finish_reason", finish_reason(&a.finish));
            });
        });
        o.obj("usage", |u| write_usage(u, a))
            .str("service_tier", "default")
            .str("system_fingerprint", ids::SYSTEM_FINGERPRINT);
    });
    out
}

/// Writes chunks sharing one precomputed `{"id":…,"choices":[` prefix.
struct Chunks<'w> {
    w: &'w mut SseWriter,
    prefix: Vec<u8>,
    include_usage: bool,
}

impl Chunks<'_> {
    /// One chunk with a single choice: `delta` written by `f`, and `finish` (JSON literal).
    fn choice(&mut self, finish: &str, f: impl FnOnce(&mut Vec<u8>)) {
        let (prefix, include_usage) = (&self.prefix, self.include_usage);
        self.w.event_with(None, |buf| {
            buf.extend_from_slice(prefix);
            buf.extend_from_slice(b"{\"index\":0,\"delta\":");
            f(buf);
            buf.extend_from_slice(b",\"logprobs\":null,\"finish_reason\":");
            buf.extend_from_slice(finish.as_bytes());
            buf.extend_from_slice(b"}]");
            if include_usage {
                buf.extend_from_slice(b",\"usage\":null");
            }
            buf.push(b'}');
        });
    }

    fn delta(&mut self, f: impl FnOnce(&mut Obj<'_>)) {
        self.choice("null", |buf| object(buf, f));
    }

    fn string_delta(&mut self, field: &str, s: &str) {
        self.choice("null", |buf| {
            buf.extend_from_slice(b"{\"");
            buf.extend_from_slice(field.as_bytes());
            buf.extend_from_slice(b"\":");
            push_json_str(buf, s);
            buf.push(b'}');
        });
    }
}

/// Streaming `chat.completion.chunk` events, then `[DONE]`.
pub(crate) fn sse(a: &Answer<'_>, w: &mut SseWriter) {
    let mut prefix = Vec::with_capacity(192);
    prefix.extend_from_slice(b"{\"id\":\"");
    prefix.extend_from_slice(ids::chatcmpl().as_bytes());
    prefix.extend_from_slice(b"\",\"object\":\"chat.completion.chunk\",\"created\":");
    push_u64(&mut prefix, ids::now_secs());
    prefix.extend_from_slice(b",\"model\":");
    push_json_str(&mut prefix, a.model);
    prefix.extend_from_slice(b",\"service_tier\":\"default\",\"system_fingerprint\":\"");
    prefix.extend_from_slice(ids::SYSTEM_FINGERPRINT.as_bytes());
    prefix.extend_from_slice(b"\",\"choices\":[");
    let mut c = Chunks {
        w,
        prefix,
        include_usage: a.include_usage,
    };

    let call_ids = tool_call_ids(a);
    let tool_header = |arr: &mut Arr<'_>, i: usize| {
        arr.obj(|tc| {
            tc.u64("index", i as u64)
                .str("id", &call_ids[i])
                .str("type", "function")
                .obj("function", |f| {
                    f.str("name", &a.tool_calls[i].name).str("arguments", "");
                });
        });
    };

    // Like OpenAI, a tool-call-only answer folds the role into the first tool call chunk.
    let tools_only = a.text.is_none() && a.thinking.is_none() && !a.tool_calls.is_empty();
    if tools_only {
        c.delta(|d| {
            d.str("role", "assistant")
                .raw("content", "null")
                .arr("tool_calls", |arr| tool_header(arr, 0))
                .raw("refusal", "null");
        });
    } else {
        c.delta(|d| {
            d.str("role", "assistant")
                .str("content", "")
                .raw("refusal", "null");
        });
    }
    if let Some(t) = a.thinking {
        for piece in tokens::split_tokens(t) {
            c.string_delta("reasoning_content", piece);
        }
    }
    for piece in a.text_pieces() {
        c.string_delta("content", &piece);
    }
    for (i, call) in a.tool_calls.iter().enumerate() {
        if !(tools_only && i == 0) {
            c.delta(|d| {
                d.arr("tool_calls", |arr| tool_header(arr, i));
            });
        }
        let args = call.arguments.to_string();
        for piece in tokens::split_json_args(&args) {
            c.delta(|d| {
                d.arr("tool_calls", |arr| {
                    arr.obj(|tc| {
                        tc.u64("index", i as u64).obj("function", |f| {
                            f.str("arguments", piece);
                        });
                    });
                });
            });
        }
    }
    let mut finish = Vec::with_capacity(16);
    push_json_str(&mut finish, finish_reason(&a.finish));
    let finish = String::from_utf8_lossy(&finish).into_owned();
    c.choice(&finish, |buf| buf.extend_from_slice(b"{}"));

    if a.include_usage {
        let prefix = std::mem::take(&mut c.prefix);
        c.w.event_with(None, |buf| {
            buf.extend_from_slice(&prefix);
            buf.extend_from_slice(b"],\"usage\":");
            object(buf, |u| write_usage(u, a));
            buf.push(b'}');
        });
    }
    c.w.event_raw(None, b"[DONE]");
}

/// Default `(type, code, message)` for a status, as OpenAI sends them.
fn error_defaults(status: u16, model: &str) -> (&'static str, Option<&'static str>, String) {
    match status {
        401 => (
            "invalid_request_error",
            Some("invalid_api_key"),
            "Incorrect API key provided: sk-mock****. You can find your API key at https://platform.openai.com/account/api-keys.".into(),
        ),
        403 => (
            "invalid_request_error",
            Some("unsupported_country_region_territory"),
            "Country, region, or territory not supported".into(),
        ),
        404 => (
            "invalid_request_error",
            Some("model_not_found"),
            format!("The model `{model}` does not exist or you do not have access to it."),
        ),
        429 => (
            "requests",
            Some("rate_limit_exceeded"),
            format!("Rate limit reached for {model} on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s."),
        ),
        500 => (
            "server_error",
            None,
            "The server had an error while processing your request. Sorry about that!".into(),
        ),
        503 => (
            "server_error",
            None,
            "The engine is currently overloaded, please try again later.".into(),
        ),
        s if s >= 500 => ("server_error", None, format!("Upstream error (mock status {s}).")),
        _ => (
            "invalid_request_error",
            None,
            format!("Invalid request (mock status {status})."),
        ),
    }
}

fn error_value(spec: &ErrorSpec, model: &str) -> Value {
    let (ty, code, message) = error_defaults(spec.status, model);
    json!({
        "error": {
            "message": spec.message.as_deref().unwrap_or(&message),
            "type": spec.error_type.as_deref().unwrap_or(ty),
            "param": null,
            "code": spec.code.as_deref().or(code)
        }
    })
}

/// `{"error":{…}}` body for an error status.
pub(crate) fn error_body(spec: &ErrorSpec, model: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    push_json(&mut out, &error_value(spec, model));
    out
}

/// The in-stream error OpenAI sends when generation fails after the headers.
pub(crate) fn stream_error_event(spec: &ErrorSpec, model: &str) -> Vec<u8> {
    let mut out = b"data: ".to_vec();
    push_json(&mut out, &error_value(spec, model));
    out.extend_from_slice(b"\n\n");
    out
}
