//! `plano-bench translate`: the CPU of the gateway's translation work in isolation — request
//! bodies, non-streaming response bodies and whole streams, OpenAI Chat ⇄ Anthropic Messages —
//! timed per operation on realistic bodies.
//!
//! The end-to-end benchmark gives the gateway's CPU per request; this tells how much of it is
//! translation, and is the before/after check for work on `plano-translate` / `plano-wire`.
//! Every operation is checked once (it must succeed and produce output) before it is timed.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use bytes::BytesMut;
use plano_catalog::Api;
use plano_translate::{RequestOptions, ResponseContext};
use serde_json::{Value, json};

const SYSTEM: &str = "You are a concise assistant for a networking team.";
const USER: &str = "Explain in two short sentences why an HTTP reverse proxy should reuse \
keep-alive connections to its upstream, and what TCP_NODELAY changes.";

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

/// The end-to-end benchmark's ~300-byte chat request.
fn small_openai() -> Vec<u8> {
    bytes(&json!({
        "model": "anthropic/claude-sonnet-4-5",
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": USER},
        ],
        "max_tokens": 64,
        "temperature": 0.2,
        "stream": false,
    }))
}

fn small_anthropic() -> Vec<u8> {
    bytes(&json!({
        "model": "openai/gpt-4o",
        "system": SYSTEM,
        "messages": [{"role": "user", "content": USER}],
        "max_tokens": 64,
        "temperature": 0.2,
        "stream": false,
    }))
}

fn tool_schemas() -> [(&'static str, &'static str, Value); 3] {
    [
        (
            "read_file",
            "Read a file from the repository and return its contents.",
            json!({"type": "object", "properties": {
                "path": {"type": "string", "description": "Path relative to the repository root"},
                "max_bytes": {"type": "integer", "minimum": 1}
            }, "required": ["path"]}),
        ),
        (
            "run_tests",
            "Run the test suite, optionally filtered, and return the summary.",
            json!({"type": "object", "properties": {
                "filter": {"type": "string"},
                "release": {"type": "boolean", "default": false}
            }}),
        ),
        (
            "search_code",
            "Search the code base for a regular expression.",
            json!({"type": "object", "properties": {
                "pattern": {"type": "string"},
                "glob": {"type": "string", "description": "Only files matching this glob"}
            }, "required": ["pattern"]}),
        ),
    ]
}

fn turn_text(i: usize) -> String {
    format!(
        "Step {i}: the proxy keeps a pool of keep-alive connections per upstream host; \
         explain what happens when the pool is exhausted, and check the \"max_idle\" setting \
         against the server's timeout. Then look at the tests."
    )
}

/// A 10-turn agent conversation with three tools, tool calls and tool results (~5 KB).
fn agent_openai() -> Vec<u8> {
    let mut messages = vec![json!({"role": "system", "content": SYSTEM})];
    for i in 0..5 {
        messages.push(json!({"role": "user", "content": turn_text(i)}));
        let id = format!("call_{i:04}abcdefghijklmnop");
        messages.push(json!({"role": "assistant", "content": null, "tool_calls": [{
            "id": id, "type": "function",
            "function": {"name": "read_file", "arguments": format!("{{\"path\":\"src/pool_{i}.rs\"}}")}
        }]}));
        messages.push(json!({"role": "tool", "tool_call_id": id,
            "content": format!("pub struct Pool{i} {{ max_idle: usize, idle: Vec<Conn> }}")}));
        messages.push(json!({"role": "assistant", "content": turn_text(i + 100)}));
    }
    messages.push(json!({"role": "user", "content": [
        {"type": "text", "text": turn_text(99)},
    ]}));
    let tools: Vec<Value> = tool_schemas()
        .into_iter()
        .map(|(name, description, parameters)| {
            json!({"type": "function", "function": {
                "name": name, "description": description, "parameters": parameters
            }})
        })
        .collect();
    bytes(&json!({
        "model": "anthropic/claude-sonnet-4-5",
        "messages": messages,
        "tools": tools,
        "tool_choice": "auto",
        "max_completion_tokens": 1024,
        "temperature": 0.2,
        "stream": true,
        "stream_options": {"include_usage": true},
    }))
}

fn agent_anthropic() -> Vec<u8> {
    let mut messages = Vec::new();
    for i in 0..5 {
        messages.push(json!({"role": "user", "content": turn_text(i)}));
        let id = format!("toolu_01{i:04}abcdefghijklmnop");
        messages.push(json!({"role": "assistant", "content": [{
            "type": "tool_use", "id": id, "name": "read_file",
            "input": {"path": format!("src/pool_{i}.rs")}
        }]}));
        messages.push(json!({"role": "user", "content": [{
            "type": "tool_result", "tool_use_id": id,
            "content": format!("pub struct Pool{i} {{ max_idle: usize, idle: Vec<Conn> }}")
        }]}));
        messages.push(json!({"role": "assistant", "content": [
            {"type": "text", "text": turn_text(i + 100)}
        ]}));
    }
    messages.push(json!({"role": "user", "content": [
        {"type": "text", "text": turn_text(99), "cache_control": {"type": "ephemeral"}},
    ]}));
    let tools: Vec<Value> = tool_schemas()
        .into_iter()
        .map(|(name, description, input_schema)| {
            json!({"name": name, "description": description, "input_schema": input_schema})
        })
        .collect();
    bytes(&json!({
        "model": "openai/gpt-4o",
        "system": [{"type": "text", "text": SYSTEM}],
        "messages": messages,
        "tools": tools,
        "tool_choice": {"type": "auto"},
        "max_tokens": 1024,
        "temperature": 0.2,
        "stream": true,
    }))
}

const ANSWER: &str = "A reverse proxy that reuses keep-alive connections skips the TCP and TLS \
handshakes on every request, which saves round trips and CPU on both ends. TCP_NODELAY turns off \
Nagle's algorithm so small writes such as headers go out at once instead of waiting for an ACK.";

/// A non-streaming answer shaped like the mock's (and the providers').
fn openai_response() -> Vec<u8> {
    bytes(&json!({
        "id": "chatcmpl-Bx8aZ3kLm0PqRsTuVwXyZ012345678",
        "object": "chat.completion",
        "created": 1_763_800_000u64,
        "model": "gpt-4o-2024-08-06",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": ANSWER, "refusal": null, "annotations": []},
            "logprobs": null,
            "finish_reason": "stop",
        }],
        "usage": {
            "prompt_tokens": 52, "completion_tokens": 61, "total_tokens": 113,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0},
        },
        "service_tier": "default",
        "system_fingerprint": "fp_07871e2ad8",
    }))
}

fn anthropic_response() -> Vec<u8> {
    bytes(&json!({
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [{"type": "text", "text": ANSWER}],
        "stop_reason": "end_turn",
        "stop_sequence": null,
        "usage": {
            "input_tokens": 52, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
            "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
            "output_tokens": 61, "service_tier": "standard",
        },
    }))
}

/// Streamed words: 200 text deltas, one SSE event (one network chunk) each.
fn piece(i: usize) -> String {
    let words = [
        "The",
        " proxy",
        " reuses",
        " keep",
        "-alive",
        " connections",
        ",",
        " so",
        " \"small\"",
        " writes\n",
    ];
    words[i % words.len()].to_owned()
}

/// An Anthropic Messages stream as network chunks (one event each), like the mock sends it.
fn anthropic_stream(deltas: usize) -> Vec<Vec<u8>> {
    let ev = |name: &str, v: Value| format!("event: {name}\ndata: {v}\n\n").into_bytes();
    let mut out = vec![ev(
        "message_start",
        json!({"type": "message_start", "message": {
            "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant",
            "model": "claude-sonnet-4-5-20250929", "content": [], "stop_reason": null,
            "stop_sequence": null, "usage": {"input_tokens": 52, "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0, "output_tokens": 1, "service_tier": "standard"}}}),
    )];
    out.push(ev(
        "content_block_start",
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    ));
    out.push(b"event: ping\ndata: {\"type\": \"ping\"}\n\n".to_vec());
    for i in 0..deltas {
        out.push(ev(
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "text_delta", "text": piece(i)}}),
        ));
    }
    out.push(ev(
        "content_block_stop",
        json!({"type": "content_block_stop", "index": 0}),
    ));
    out.push(ev(
        "message_delta",
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null},
            "usage": {"input_tokens": 52, "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0, "output_tokens": 200}}),
    ));
    out.push(ev("message_stop", json!({"type": "message_stop"})));
    out
}

/// An OpenAI chat-completion-chunk stream with usage, as network chunks (one event each).
fn openai_stream(deltas: usize) -> Vec<Vec<u8>> {
    let chunk = |choices: Value, usage: Value| {
        let v = json!({"id": "chatcmpl-Bx8aZ3kLm0PqRsTuVwXyZ012345678",
            "object": "chat.completion.chunk", "created": 1_763_800_000u64,
            "model": "gpt-4o-2024-08-06", "service_tier": "default",
            "system_fingerprint": "fp_07871e2ad8", "choices": choices, "usage": usage});
        format!("data: {v}\n\n").into_bytes()
    };
    let choice = |delta: Value, finish: Value| json!([{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]);
    let mut out = vec![chunk(
        choice(
            json!({"role": "assistant", "content": "", "refusal": null}),
            Value::Null,
        ),
        Value::Null,
    )];
    for i in 0..deltas {
        out.push(chunk(
            choice(json!({"content": piece(i)}), Value::Null),
            Value::Null,
        ));
    }
    out.push(chunk(choice(json!({}), json!("stop")), Value::Null));
    out.push(chunk(
        json!([]),
        json!({"prompt_tokens": 52, "completion_tokens": 200, "total_tokens": 252,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0}}),
    ));
    out.push(b"data: [DONE]\n\n".to_vec());
    out
}

/// One timed operation: returns the output size (kept alive through `black_box`).
type Op<'a> = Box<dyn Fn() -> Result<usize> + 'a>;

/// Runs `op` for a 100 ms warm-up, then in five rounds of about 100 ms; µs per call in the
/// fastest round (on a shared box, preemption and other work only ever add time).
fn time(op: &Op<'_>) -> f64 {
    let round = |limit: Duration| {
        let started = Instant::now();
        let mut n = 0u32;
        while started.elapsed() < limit {
            let _ = black_box(op());
            n += 1;
        }
        started.elapsed().as_secs_f64() * 1e6 / f64::from(n.max(1))
    };
    round(Duration::from_millis(100));
    (0..5)
        .map(|_| round(Duration::from_millis(100)))
        .fold(f64::INFINITY, f64::min)
}

fn stream_op<'a>(upstream: Api, client: Api, chunks: &'a [Vec<u8>]) -> Op<'a> {
    Box::new(move || {
        let mut ctx = ResponseContext::new(1_763_800_000, "req_0123456789abcdef");
        ctx.include_usage = true;
        ctx.fallback_model = "gpt-4o".to_owned();
        let mut t = plano_translate::try_stream_translator(upstream, client, ctx)?;
        let mut total = 0;
        let mut out = BytesMut::with_capacity(1024);
        for chunk in chunks {
            t.push(black_box(chunk), &mut out)?;
            // The gateway sends each translated piece on at once.
            total += out.split().len();
        }
        t.finish(&mut out)?;
        Ok(total + out.len())
    })
}

fn request_op<'a>(client: Api, upstream: Api, body: &'a [u8], opts: &'a RequestOptions) -> Op<'a> {
    Box::new(move || {
        Ok(plano_translate::translate_request(client, upstream, black_box(body), opts)?.len())
    })
}

fn response_op<'a>(upstream: Api, client: Api, body: &'a [u8], ctx: &'a ResponseContext) -> Op<'a> {
    Box::new(move || {
        Ok(plano_translate::translate_response(upstream, client, black_box(body), ctx)?.len())
    })
}

/// Times every operation whose name contains `filter` (all of them for `None`).
pub fn run(filter: Option<&str>) -> Result<()> {
    let to_anthropic = RequestOptions::new("claude-sonnet-4-5");
    let to_openai = RequestOptions::new("gpt-4o");
    let mut ctx = ResponseContext::new(1_763_800_000, "req_0123456789abcdef");
    ctx.fallback_model = "gpt-4o".to_owned();
    let (small_oa, small_an) = (small_openai(), small_anthropic());
    let (agent_oa, agent_an) = (agent_openai(), agent_anthropic());
    let (resp_oa, resp_an) = (openai_response(), anthropic_response());
    let (stream_an, stream_oa) = (anthropic_stream(200), openai_stream(200));
    let total = |c: &[Vec<u8>]| c.iter().map(Vec::len).sum::<usize>();
    let (oa, an) = (Api::OpenAiChat, Api::AnthropicMessages);

    let mut rows: Vec<(String, usize, Op<'_>)> = vec![
        (
            "request OpenAI → Anthropic, small chat".into(),
            small_oa.len(),
            request_op(oa, an, &small_oa, &to_anthropic),
        ),
        (
            "request Anthropic → OpenAI, small chat".into(),
            small_an.len(),
            request_op(an, oa, &small_an, &to_openai),
        ),
        (
            "request OpenAI → Anthropic, 10 turns + tools".into(),
            agent_oa.len(),
            request_op(oa, an, &agent_oa, &to_anthropic),
        ),
        (
            "request Anthropic → OpenAI, 10 turns + tools".into(),
            agent_an.len(),
            request_op(an, oa, &agent_an, &to_openai),
        ),
        (
            "response Anthropic → OpenAI".into(),
            resp_an.len(),
            response_op(an, oa, &resp_an, &ctx),
        ),
        (
            "response OpenAI → Anthropic".into(),
            resp_oa.len(),
            response_op(oa, an, &resp_oa, &ctx),
        ),
        (
            format!("stream Anthropic → OpenAI, {} events", stream_an.len()),
            total(&stream_an),
            stream_op(an, oa, &stream_an),
        ),
        (
            format!("stream OpenAI → Anthropic, {} events", stream_oa.len()),
            total(&stream_oa),
            stream_op(oa, an, &stream_oa),
        ),
    ];

    rows.retain(|(name, _, _)| filter.is_none_or(|f| name.contains(f)));
    // A broken case must fail loudly, not time an error path.
    for (name, _, op) in &rows {
        let n = op().with_context(|| name.clone())?;
        ensure!(n > 0, "{name}: empty output");
    }
    println!("| operation | input bytes | µs per op |");
    println!("|---|--:|--:|");
    for (name, size, op) in &rows {
        println!("| {name} | {size} | {:.2} |", time(op));
    }
    Ok(())
}
