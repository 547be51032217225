//! One request in, one response out: record, pick the reply (scripted or default), apply
//! `x-mock-*` overrides, render in the path's API format, and play it out.
//!
//! Rendering is synchronous and happens before any delay, so a request costs one JSON
//! parse, one render into a single buffer and no locks beyond two atomic loads in the
//! default case.

use std::convert::Infallible;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;

use crate::answer::Answer;
use crate::body::{MockBody, Pacing};
use crate::overrides::Overrides;
use crate::record::RecordedRequest;
use crate::reply::{Completion, ErrorSpec, Injection, Reply, ReplyBody, Timing};
use crate::request::{self, Api};
use crate::sse_writer::{SseWriter, push_json_str};
use crate::state::Shared;
use crate::{anthropic, control, ids, openai};

static DEFAULT_REPLY: LazyLock<Reply> = LazyLock::new(Reply::default);

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const EVENT_STREAM: HeaderValue = HeaderValue::from_static("text/event-stream; charset=utf-8");

pub(crate) async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<MockBody>, Infallible> {
    let (parts, body) = req.into_parts();
    // A client that aborts its upload gets a reply to what arrived; the mock never rejects.
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    if let Some(resp) = control::handle(&shared, &parts) {
        return Ok(resp);
    }
    if shared.is_recording() {
        shared.record(RecordedRequest::from_parts(&parts, &body));
    }
    let scripted = match shared.router_answer(&body) {
        Some(route) => Some(Reply::text(route)),
        None => shared.next_reply(),
    };
    let overrides = Overrides::from_headers(&parts.headers);
    let (delay, response) = respond(
        &shared,
        parts.uri.path(),
        &parts.method,
        &body,
        scripted.as_ref(),
        &overrides,
    );
    if let Some(d) = delay.filter(|d| !d.is_zero()) {
        tokio::time::sleep(d).await;
    }
    Ok(response)
}

/// What to send: status, content type, bytes with event boundaries, whether it is SSE.
struct Rendered {
    status: u16,
    content_type: HeaderValue,
    data: Bytes,
    bounds: Vec<usize>,
    is_stream: bool,
}

impl Rendered {
    fn json(status: u16, data: Vec<u8>) -> Self {
        let len = data.len();
        Rendered {
            status,
            content_type: JSON,
            data: Bytes::from(data),
            bounds: vec![len],
            is_stream: false,
        }
    }
}

fn error_rendered(api: Api, spec: &ErrorSpec, model: &str) -> Rendered {
    let body = match api {
        Api::Anthropic => anthropic::error_body(spec, model),
        Api::OpenAi | Api::Other => openai::error_body(spec, model),
    };
    Rendered::json(spec.status, body)
}

/// OpenAI's own answer to an unknown URL.
fn not_found(method: &http::Method, path: &str) -> Rendered {
    let mut body = Vec::with_capacity(256);
    body.extend_from_slice(b"{\"error\":{\"message\":");
    let message = format!(
        "Unknown request URL: {method} {path}. Please check the URL for typos, or see the docs at https://platform.openai.com/docs/api-reference/."
    );
    push_json_str(&mut body, &message);
    body.extend_from_slice(
        b",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"unknown_url\"}}",
    );
    Rendered::json(404, body)
}

fn respond(
    shared: &Shared,
    path: &str,
    method: &http::Method,
    body: &[u8],
    scripted: Option<&Reply>,
    ov: &Overrides,
) -> (Option<Duration>, Response<MockBody>) {
    let api = Api::from_path(path);
    let reply = scripted.unwrap_or(&DEFAULT_REPLY);
    let mut timing = reply.timing.overridden_by(ov.timing);
    // The binary's benchmark knobs are the last fallback.
    timing.chunk_delay = timing.chunk_delay.or_else(|| shared.default_chunk_delay());
    timing.stream_chunks = timing
        .stream_chunks
        .or_else(|| shared.default_stream_chunks());
    let stream_chunks = timing.stream_chunks;

    let facts = request::facts(body);
    let model = reply
        .model
        .as_deref()
        .or(facts.model.as_deref())
        .unwrap_or("mock-model");
    let status_error = ov.status.filter(|s| *s >= 400).map(ErrorSpec::new);
    let echo = Completion::default();

    let rendered = match (&status_error, &reply.body) {
        (Some(spec), _) | (None, ReplyBody::Error(spec)) => error_rendered(api, spec, model),
        (None, _) if scripted.is_none() && api == Api::Other => not_found(method, path),
        (
            None,
            ReplyBody::Raw {
                status,
                content_type,
                body,
            },
        ) => Rendered {
            status: *status,
            content_type: HeaderValue::try_from(content_type.as_str()).unwrap_or(JSON),
            data: body.clone(),
            bounds: vec![body.len()],
            is_stream: false,
        },
        (None, ReplyBody::MalformedJson) => {
            let a = Answer::resolve(reply, &echo, &facts, None, false);
            let mut json = render_json(api, &a);
            // Cut mid-document, on a char boundary so the bytes stay valid UTF-8.
            let mut half = json.len() / 2;
            while half > 0 && (json[half] & 0xC0) == 0x80 {
                half -= 1;
            }
            json.truncate(half);
            Rendered::json(200, json)
        }
        (None, ReplyBody::Completion(c)) => {
            let a = Answer::resolve(reply, c, &facts, stream_chunks, facts.stream);
            if facts.stream {
                render_sse(api, &a, reply, model)
            } else {
                Rendered::json(200, render_json(api, &a))
            }
        }
    };
    (
        timing.delay,
        build_response(api, rendered, reply, ov, &timing),
    )
}

fn render_json(api: Api, a: &Answer<'_>) -> Vec<u8> {
    match api {
        Api::Anthropic => anthropic::json_body(a),
        Api::OpenAi | Api::Other => openai::json_body(a),
    }
}

fn render_sse(api: Api, a: &Answer<'_>, reply: &Reply, model: &str) -> Rendered {
    let stop = reply.error_event_after.as_ref().map(|(n, spec)| {
        let event = match api {
            Api::Anthropic => anthropic::stream_error_event(spec, model),
            Api::OpenAi | Api::Other => openai::stream_error_event(spec, model),
        };
        (*n, event)
    });
    let inject: Vec<(usize, Bytes)> = reply
        .inject
        .iter()
        .map(|(i, what)| (*i, injection_bytes(api, what)))
        .collect();
    let mut w = SseWriter::new(2048, inject, stop);
    match api {
        Api::Anthropic => anthropic::sse(a, &mut w),
        Api::OpenAi | Api::Other => openai::sse(a, &mut w),
    }
    let (data, bounds) = w.finish();
    Rendered {
        status: 200,
        content_type: EVENT_STREAM,
        data,
        bounds,
        is_stream: true,
    }
}

fn injection_bytes(api: Api, what: &Injection) -> Bytes {
    match (what, api) {
        (Injection::Raw(b), _) => b.clone(),
        (Injection::GarbageLine, _) => Bytes::from_static(b"<<garbage line, not sse>>\n"),
        (Injection::InvalidJson, Api::Anthropic) => Bytes::from_static(
            b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"trunc\n\n",
        ),
        (Injection::InvalidJson, Api::OpenAi | Api::Other) => Bytes::from_static(
            b"data: {\"id\":\"chatcmpl-broken\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"trunc\n\n",
        ),
    }
}

fn build_response(
    api: Api,
    r: Rendered,
    reply: &Reply,
    ov: &Overrides,
    timing: &Timing,
) -> Response<MockBody> {
    let (mut data, mut bounds) = (r.data, r.bounds);
    let cut_after_events = timing.cut_after_events;
    if let Some(n) = cut_after_events {
        let keep = if r.is_stream {
            // Whole events only: the client gets exactly n parseable events, then a break.
            if n == 0 {
                0
            } else {
                bounds.get(n - 1).copied().unwrap_or(data.len())
            }
        } else {
            data.len() / 2
        };
        data.truncate(keep);
        bounds.retain(|&b| b <= keep);
    }
    let pacing = Pacing {
        chunk_delay: timing.chunk_delay.filter(|_| r.is_stream),
        chunk_bytes: timing.chunk_bytes,
        cut: cut_after_events.is_some(),
    };
    let mut resp = Response::new(MockBody::events(data, &bounds, pacing, !r.is_stream));
    let status = ov.status.filter(|s| *s < 400).unwrap_or(r.status);
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = resp.headers_mut();
    headers.insert(CONTENT_TYPE, r.content_type);
    if r.is_stream {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    let request_id = match api {
        Api::Anthropic => ("request-id", ids::anthropic_request()),
        Api::OpenAi | Api::Other => ("x-request-id", ids::openai_request()),
    };
    if let Ok(v) = HeaderValue::try_from(request_id.1) {
        headers.insert(HeaderName::from_static(request_id.0), v);
    }
    let extra = reply
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .chain(ov.retry_after.as_deref().map(|v| ("retry-after", v)));
    for (name, value) in extra {
        // Invalid names/values in a scripted reply are a test bug; skip rather than panic.
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.insert(n, v);
        }
    }
    resp
}
