//! The lean parsing fast path (`src/lean.rs`) must never change a result: for every body, `translate_*`
//! must give exactly what parsing with the lossless wire types and `convert` gives — the same bytes, or
//! the same error. Checked on every fixture and on thousands of mutations of them (each value replaced by
//! values of other types, keys removed, unknown and duplicate keys added).

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use plano_catalog::Api;
use plano_translate::{RequestOptions, ResponseContext, TranslateError, request, response};
use serde_json::{Value, json};

fn ctx() -> ResponseContext {
    let mut c = ResponseContext::new(1_700_000_000, "req_123");
    c.fallback_model = "fallback-model".into();
    c
}

fn show(r: Result<Vec<u8>, TranslateError>) -> Result<String, String> {
    r.map(|b| String::from_utf8(b).unwrap())
        .map_err(|e| e.to_string())
}

/// The result of the lossless path for one direction.
fn reference(kind: &str, client: Api, upstream: Api, body: &[u8]) -> Result<String, String> {
    let opts = RequestOptions::new("upstream-model");
    let bad_body =
        |api: Api| move |e: serde_json::Error| format!("invalid {api} request body: {e}");
    let bad_resp =
        |api: Api| move |e: serde_json::Error| format!("invalid {api} response from upstream: {e}");
    let out: Result<Vec<u8>, String> = match (kind, client, upstream) {
        ("request", Api::OpenAiChat, Api::AnthropicMessages) => serde_json::from_slice(body)
            .map_err(bad_body(client))
            .and_then(|r| {
                request::openai_to_anthropic::convert(r, &opts).map_err(|e| e.to_string())
            })
            .map(|o| serde_json::to_vec(&o).unwrap()),
        ("request", Api::AnthropicMessages, Api::OpenAiChat) => serde_json::from_slice(body)
            .map_err(bad_body(client))
            .and_then(|r| {
                request::anthropic_to_openai::convert(r, &opts).map_err(|e| e.to_string())
            })
            .map(|o| serde_json::to_vec(&o).unwrap()),
        ("response", Api::OpenAiChat, Api::AnthropicMessages) => serde_json::from_slice(body)
            .map_err(bad_resp(upstream))
            .map(|r| {
                serde_json::to_vec(&response::anthropic_to_openai::convert(r, &ctx())).unwrap()
            }),
        ("response", Api::AnthropicMessages, Api::OpenAiChat) => serde_json::from_slice(body)
            .map_err(bad_resp(upstream))
            .and_then(|r| {
                response::openai_to_anthropic::convert(r, &ctx()).map_err(|e| e.to_string())
            })
            .map(|o| serde_json::to_vec(&o).unwrap()),
        other => panic!("no reference for {other:?}"),
    };
    out.map(|b| String::from_utf8(b).unwrap())
}

fn actual(kind: &str, client: Api, upstream: Api, body: &[u8]) -> Result<String, String> {
    match kind {
        "request" => show(plano_translate::translate_request(
            client,
            upstream,
            body,
            &RequestOptions::new("upstream-model"),
        )),
        _ => show(plano_translate::translate_response(
            upstream,
            client,
            body,
            &ctx(),
        )),
    }
}

/// Values of every JSON type (and a few strings a translation reads specially).
fn replacements() -> Vec<Value> {
    vec![
        Value::Null,
        json!(0),
        json!(-1),
        json!(1.5),
        json!(true),
        json!(""),
        json!("text"),
        json!("tool_use"),
        json!("function"),
        json!("auto"),
        json!([]),
        json!(["x"]),
        json!([{"type": "text", "text": "t"}]),
        json!({}),
        json!({"type": "text", "text": "t"}),
    ]
}

/// Every mutation of `v`: each value (at any depth) replaced by each replacement, each object key
/// removed, an unknown key added to each object, a non-object pushed into each array.
fn mutations(v: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for r in replacements() {
        out.push(r);
    }
    match v {
        Value::Object(map) => {
            let mut extra = map.clone();
            extra.insert("x_unknown".into(), json!({"k": [1, "v"]}));
            out.push(Value::Object(extra));
            for (k, child) in map {
                let mut without = map.clone();
                without.shift_remove(k);
                out.push(Value::Object(without));
                for m in mutations(child) {
                    let mut with = map.clone();
                    with.insert(k.clone(), m);
                    out.push(Value::Object(with));
                }
            }
        }
        Value::Array(items) => {
            let mut more = items.clone();
            more.push(json!("loose"));
            out.push(Value::Array(more));
            for (i, child) in items.iter().enumerate() {
                for m in mutations(child) {
                    let mut with = items.clone();
                    with[i] = m;
                    out.push(Value::Array(with));
                }
            }
        }
        _ => {}
    }
    out
}

/// Textual variants a `Value` cannot express: each top-level key duplicated, invalid UTF-8, huge numbers.
fn raw_variants(body: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![b"[]".to_vec(), b"null".to_vec(), b"{} x".to_vec()];
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
        for (k, v) in &map {
            let mut text = serde_json::to_string(&Value::Object(map.clone())).unwrap();
            text.insert_str(1, &format!("{}:{},", json!(k), v));
            out.push(text.into_bytes());
        }
        let text = serde_json::to_string(&Value::Object(map.clone())).unwrap();
        out.push(text.replacen('{', "{\"x_big\":1e400,", 1).into_bytes());
        let mut bad = text.replacen('{', "{\"x_bad\":\"", 1).into_bytes();
        let at = "{\"x_bad\":\"".len();
        bad.splice(at..at, [0xff, b'"', b',']);
        out.push(bad);
    }
    out
}

fn check_all(kind: &str, client: Api, upstream: Api, bodies: &[Vec<u8>]) -> usize {
    let mut n = 0;
    for body in bodies {
        let mut variants = raw_variants(body);
        if let Ok(v) = serde_json::from_slice::<Value>(body) {
            variants.push(body.clone());
            variants.extend(mutations(&v).iter().map(|m| serde_json::to_vec(m).unwrap()));
        }
        for b in variants {
            let want = reference(kind, client, upstream, &b);
            let got = actual(kind, client, upstream, &b);
            assert_eq!(
                got,
                want,
                "{kind} {client} → {upstream} differs for {}",
                String::from_utf8_lossy(&b)
            );
            n += 1;
        }
    }
    n
}

fn fixture_bodies(pair: &str, kind: &str) -> Vec<Vec<u8>> {
    common::fixtures(pair, kind, "json")
        .into_iter()
        .map(|(_, b)| b)
        .collect()
}

/// Response fixtures are `{"upstream": body, ...}` or the body itself.
fn response_bodies(pair: &str) -> Vec<Vec<u8>> {
    fixture_bodies(pair, "responses")
        .into_iter()
        .map(|b| {
            let v: Value = serde_json::from_slice(&b).unwrap();
            match v.get("upstream").or_else(|| v.get("body")) {
                Some(inner) => serde_json::to_vec(inner).unwrap(),
                None => b,
            }
        })
        .collect()
}

/// Request fixtures are `{"request": body, ...}` or the body itself.
fn request_bodies(pair: &str) -> Vec<Vec<u8>> {
    fixture_bodies(pair, "requests")
        .into_iter()
        .map(|b| {
            let v: Value = serde_json::from_slice(&b).unwrap();
            match v.get("request").or_else(|| v.get("body")) {
                Some(inner) if inner.is_object() => serde_json::to_vec(inner).unwrap(),
                _ => b,
            }
        })
        .collect()
}

fn object(v: Value) -> Vec<u8> {
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn anthropic_responses_to_openai_clients() {
    let mut bodies = response_bodies("anthropic_client_openai_upstream");
    bodies.extend(response_bodies("openai_client_anthropic_upstream"));
    bodies.push(object(json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude",
        "content": [
            {"type": "thinking", "thinking": "hm", "signature": "sig"},
            {"type": "text", "text": "a", "citations": null},
            {"type": "server_tool_use", "id": "s", "name": "web_search", "input": {"q": 1}},
            {"type": "tool_use", "id": "t", "name": "f", "input": {"a": [1, 2.5, "x"]}},
            {"type": "tool_use", "id": "t2", "name": "g"},
        ],
        "stop_reason": "tool_use", "stop_sequence": null,
        "usage": {"input_tokens": 3, "output_tokens": 4, "cache_read_input_tokens": 5,
            "cache_creation_input_tokens": null, "cache_creation": {"a": 1}, "service_tier": "standard"}
    })));
    let n = check_all("response", Api::OpenAiChat, Api::AnthropicMessages, &bodies);
    eprintln!("{n} bodies compared");
    assert!(n > 1000, "{n}");
}

#[test]
fn openai_responses_to_anthropic_clients() {
    let mut bodies = response_bodies("openai_client_anthropic_upstream");
    bodies.extend(response_bodies("anthropic_client_openai_upstream"));
    bodies.push(object(json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 5, "model": "gpt",
        "choices": [
            {"index": 1, "message": {"role": "assistant", "content": "second"}, "finish_reason": "stop"},
            {"index": 0, "message": {"role": "assistant", "content": null, "refusal": null,
                "reasoning_content": "think",
                "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"a\":1}"}},
                               {"id": "c2", "type": "custom"}]},
             "logprobs": null, "finish_reason": "tool_calls"}
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12,
            "prompt_tokens_details": {"cached_tokens": 4, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 1},
            "prompt_cache_hit_tokens": 7},
        "system_fingerprint": "fp", "service_tier": "default"
    })));
    let n = check_all("response", Api::AnthropicMessages, Api::OpenAiChat, &bodies);
    eprintln!("{n} bodies compared");
    assert!(n > 1000, "{n}");
}

#[test]
fn openai_requests_to_anthropic_upstreams() {
    let mut bodies = request_bodies("openai_client_anthropic_upstream");
    bodies.extend(request_bodies("openai_client_bedrock_upstream"));
    bodies.push(object(json!({
        "model": "m",
        "messages": [
            {"role": "developer", "content": [{"type": "text", "text": "sys", "cache_control": {"type": "ephemeral"}}]},
            {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b", "cache_control": null}]},
            {"role": "assistant", "content": null, "refusal": "no", "reasoning_content": "r",
             "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"x\":1}"}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "out", "name": "f"},
            {"role": "user", "content": ""}
        ],
        "tools": [{"type": "function", "function": {"name": "f", "description": "d", "strict": true,
            "parameters": {"type": "object", "properties": {"x": {"type": "number", "minimum": 1.5}}}}},
            {"type": "function", "function": {"name": "g", "parameters": null}}],
        "tool_choice": "required", "parallel_tool_calls": false,
        "stop": "END", "n": 1, "top_k": 5, "seed": 1, "user": "u",
        "max_completion_tokens": 100, "max_tokens": 50, "reasoning_effort": "low",
        "stream": true, "stream_options": {"include_usage": true}
    })));
    let n = check_all("request", Api::OpenAiChat, Api::AnthropicMessages, &bodies);
    eprintln!("{n} bodies compared");
    assert!(n > 1000, "{n}");
}

#[test]
fn anthropic_requests_to_openai_upstreams() {
    let mut bodies = request_bodies("anthropic_client_openai_upstream");
    bodies.extend(request_bodies("anthropic_client_bedrock_upstream"));
    bodies.push(object(json!({
        "model": "m",
        "system": [{"type": "text", "text": "s1", "cache_control": {"type": "ephemeral"}}, {"type": "text", "text": "s2"}],
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "t", "signature": "sig"},
                {"type": "text", "text": "a"},
                {"type": "tool_use", "id": "t1", "name": "f", "input": {"x": [1, 2.5]}},
                {"type": "tool_use", "id": "t2", "name": "g"}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "t1", "content": "out", "is_error": false},
                {"type": "tool_result", "tool_use_id": "t2", "content": [{"type": "text", "text": "x"}, {"type": "text", "text": "y"}]},
                {"type": "tool_result", "tool_use_id": "t3"},
                {"type": "text", "text": "more", "cache_control": {"type": "ephemeral"}}
            ]}
        ],
        "tools": [{"name": "f", "description": "d", "input_schema": {"type": "object"}},
                  {"type": "custom", "name": "g", "cache_control": {"type": "ephemeral"}},
                  {"type": "web_search_20250305", "name": "web_search"}],
        "tool_choice": {"type": "tool", "name": "f", "disable_parallel_tool_use": true},
        "thinking": {"type": "enabled", "budget_tokens": 3000},
        "metadata": {"user_id": "u"},
        "stop_sequences": ["a", "b"], "top_k": 3, "top_p": 0.5, "temperature": 1,
        "max_tokens": 100, "stream": true, "service_tier": "auto"
    })));
    let n = check_all("request", Api::AnthropicMessages, Api::OpenAiChat, &bodies);
    eprintln!("{n} bodies compared");
    assert!(n > 1000, "{n}");
}
