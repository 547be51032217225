//! Bedrock Converse upstreams: request fixtures per client API, response and ConverseStream fixtures
//! translated for both client APIs, all snapshotted; refusals; error bodies; chunk-split properties.
//!
//! Stream fixtures (`tests/fixtures/bedrock_upstream/streams/*.jsonl`) are readable: one event-stream
//! message per line, turned into binary with the plano-wire encoder at test time:
//! `{"event": <type>, "payload": <json>}`, `{"exception": <type>, "payload": ..}`,
//! `{"error": {"code", "message"}}`, `{"message_type": <unknown type>}`, and for broken streams
//! `{"torn": ..}` (the message cut short, at the very end) and `{"corrupt": ..}` (a bad message CRC).
//! A string payload is used verbatim (for payloads that are not JSON). As in `streams.rs`, a fixture
//! named `cut*` ends with `fail()` instead of `finish()`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use bytes::BytesMut;
use plano_catalog::Api;
use plano_translate::{
    RequestOptions, ResponseContext, StreamTranslator, Usage, stream_translator,
    translate_error_body, translate_request, translate_response,
};
use plano_wire::bedrock::eventstream::{Header, encode_event, encode_exception, encode_message};
use proptest::prelude::*;
use serde_json::Value;

const CLAUDE: &str = "us.anthropic.claude-sonnet-4-20250514-v1:0";

fn opts(model: &str) -> RequestOptions {
    RequestOptions::new(model)
}

fn translate(client: Api, body: &[u8], model: &str) -> Value {
    let out = translate_request(client, Api::BedrockConverse, body, &opts(model))
        .unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn openai_client_requests() {
    for (name, body) in common::fixtures("openai_client_bedrock_upstream", "requests", "json") {
        let out = translate(Api::OpenAiChat, &body, CLAUDE);
        assert!(
            out.get("model").is_none(),
            "{name}: the model goes in the URL"
        );
        insta::assert_json_snapshot!(format!("openai_client_bedrock_upstream__{name}"), out);
    }
}

#[test]
fn anthropic_client_requests() {
    for (name, body) in common::fixtures("anthropic_client_bedrock_upstream", "requests", "json") {
        let out = translate(Api::AnthropicMessages, &body, CLAUDE);
        assert!(
            out.get("model").is_none(),
            "{name}: the model goes in the URL"
        );
        insta::assert_json_snapshot!(format!("anthropic_client_bedrock_upstream__{name}"), out);
    }
}

#[test]
fn claude_only_fields_are_dropped_for_other_models() {
    let dir = |pair: &str| common::fixture_dir(pair, "requests");
    let nova = "us.amazon.nova-pro-v1:0";
    let body =
        std::fs::read(dir("openai_client_bedrock_upstream").join("reasoning_claude.json")).unwrap();
    let out = translate(Api::OpenAiChat, &body, nova);
    assert_eq!(
        out["additionalModelRequestFields"],
        serde_json::json!({"anthropic_beta": ["interleaved-thinking-2025-05-14"]})
    );
    assert_eq!(out["inferenceConfig"]["maxTokens"], 100);
    assert_eq!(out["inferenceConfig"]["temperature"], 0.7);

    let body = std::fs::read(dir("anthropic_client_bedrock_upstream").join("basic.json")).unwrap();
    let out = translate(Api::AnthropicMessages, &body, nova);
    assert!(out.get("additionalModelRequestFields").is_none());
    let body =
        std::fs::read(dir("anthropic_client_bedrock_upstream").join("tools_round_trip.json"))
            .unwrap();
    let out = translate(Api::AnthropicMessages, &body, nova);
    let assistant = out["messages"][1]["content"].as_array().unwrap();
    assert!(
        assistant
            .iter()
            .all(|b| b.get("reasoningContent").is_none()),
        "{assistant:?}"
    );
}

#[track_caller]
fn refused(client: Api, body: &str) -> String {
    match translate_request(client, Api::BedrockConverse, body.as_bytes(), &opts(CLAUDE)) {
        Err(e) => {
            assert_eq!(e.status(), 400);
            e.to_string()
        }
        Ok(out) => panic!("accepted: {}", String::from_utf8_lossy(&out)),
    }
}

#[test]
fn requests_that_cannot_be_expressed() {
    let (c, m) = (Api::OpenAiChat, Api::AnthropicMessages);
    insta::assert_snapshot!(
        [
            refused(c, r#"{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]}"#),
            refused(c, r#"{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/svg+xml;base64,PHN2Zz4="}}]}]}"#),
            refused(c, r#"{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x","format":"wav"}}]}]}"#),
            refused(c, r#"{"messages":[{"role":"user","content":[{"type":"file","file":{"file_data":"data:application/zip;base64,UEs="}}]}]}"#),
            refused(c, r#"{"messages":[{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"[1]"}}]}]}"#),
            refused(c, r#"{"messages":[{"role":"tool","content":"x"}]}"#),
            refused(c, r#"{"messages":[{"role":"user","content":"x"}],"n":3}"#),
            refused(c, r#"{"messages":[{"role":"user","content":"x"}],"additionalModelRequestFields":[1]}"#),
            refused(m, r#"{"max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://x/y.png"}}]}]}"#),
            refused(m, r#"{"max_tokens":1,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"url","url":"https://x/a.pdf"}}]}]}"#),
            refused(m, r#"{"max_tokens":1,"messages":[{"role":"system","content":"x"}]}"#),
        ]
        .join("\n")
    );
}

fn ctx() -> ResponseContext {
    let mut ctx = ResponseContext::new(1_700_000_000, "req-1");
    ctx.fallback_model = CLAUDE.into();
    ctx
}

#[test]
fn responses_for_both_clients() {
    for (name, body) in common::fixtures("bedrock_upstream", "responses", "json") {
        for (client, label) in [
            (Api::OpenAiChat, "openai"),
            (Api::AnthropicMessages, "anthropic"),
        ] {
            let out: Value = serde_json::from_slice(
                &translate_response(Api::BedrockConverse, client, &body, &ctx()).unwrap(),
            )
            .unwrap();
            insta::assert_json_snapshot!(format!("responses__{label}_client__{name}"), out);
        }
    }
}

#[test]
fn malformed_responses_are_502() {
    for body in [&b"<html>"[..], br#"{"output":{"message":{"content":"x"}}}"#] {
        let err =
            translate_response(Api::BedrockConverse, Api::OpenAiChat, body, &ctx()).unwrap_err();
        assert_eq!(err.status(), 502, "{err}");
    }
}

#[test]
fn error_bodies() {
    let cases: [(u16, &str); 4] = [
        (
            400,
            r#"{"message":"The provided model identifier is invalid."}"#,
        ),
        (
            429,
            r#"{"message":"Too many requests, please wait before trying again."}"#,
        ),
        (
            400,
            r#"{"__type":"com.amazon.coral.service#ThrottlingException","message":"Rate exceeded"}"#,
        ),
        (
            403,
            r#"{"Message":"User is not authorized to perform: bedrock:InvokeModel"}"#,
        ),
    ];
    let mut lines = Vec::new();
    for (status, body) in cases {
        for client in [Api::OpenAiChat, Api::AnthropicMessages] {
            let out = translate_error_body(Api::BedrockConverse, client, status, body.as_bytes());
            lines.push(format!(
                "{status} {client}: {}",
                String::from_utf8(out).unwrap()
            ));
        }
    }
    insta::assert_snapshot!(lines.join("\n"));
}

// === streams ===

/// Builds the binary event stream of a `.jsonl` fixture.
fn build_stream(jsonl: &[u8]) -> Vec<u8> {
    let mut out = BytesMut::new();
    for line in std::str::from_utf8(jsonl).unwrap().lines() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).unwrap();
        let payload = match &v["payload"] {
            Value::Null => Vec::new(),
            Value::String(s) => s.clone().into_bytes(),
            other => serde_json::to_vec(other).unwrap(),
        };
        let name = |key: &str| v[key].as_str().unwrap().to_owned();
        if v.get("event").is_some() {
            encode_event(&mut out, &name("event"), &payload).unwrap();
        } else if v.get("exception").is_some() {
            encode_exception(&mut out, &name("exception"), &payload).unwrap();
        } else if let Some(e) = v.get("error") {
            let headers = [
                Header::string(":message-type", "error"),
                Header::string(":error-code", e["code"].as_str().unwrap()),
                Header::string(":error-message", e["message"].as_str().unwrap()),
            ];
            encode_message(&mut out, &headers, b"").unwrap();
        } else if v.get("message_type").is_some() {
            let headers = [Header::string(":message-type", name("message_type"))];
            encode_message(&mut out, &headers, b"").unwrap();
        } else if v.get("torn").is_some() {
            let mut msg = BytesMut::new();
            encode_event(&mut msg, &name("torn"), &payload).unwrap();
            out.extend_from_slice(&msg[..msg.len() / 2]);
        } else if v.get("corrupt").is_some() {
            let mut msg = BytesMut::new();
            encode_event(&mut msg, &name("corrupt"), &payload).unwrap();
            let last = msg.len() - 1;
            msg[last] ^= 0xff;
            out.extend_from_slice(&msg);
        } else {
            panic!("unknown fixture line {line}");
        }
    }
    out.to_vec()
}

fn stream_fixtures() -> Vec<(String, Vec<u8>)> {
    common::fixtures("bedrock_upstream", "streams", "jsonl")
        .into_iter()
        .map(|(name, text)| (name, build_stream(&text)))
        .collect()
}

fn translator(client: Api) -> Box<dyn StreamTranslator> {
    let mut ctx = ctx();
    ctx.include_usage = true;
    stream_translator(Api::BedrockConverse, client, ctx)
}

/// Feeds `chunks`, then finishes (or fails, for `cut` fixtures); the client bytes plus a trailer naming any
/// error the translator returned.
fn drive(t: &mut dyn StreamTranslator, name: &str, chunks: &[&[u8]]) -> String {
    let mut out = BytesMut::new();
    let mut errors = Vec::new();
    for chunk in chunks {
        if let Err(e) = t.push(chunk, &mut out) {
            errors.push(format!("push: {e}"));
        }
    }
    if name.starts_with("cut") {
        t.fail("upstream connection reset", &mut out);
    } else if let Err(e) = t.finish(&mut out) {
        errors.push(format!("finish: {e}"));
    }
    let mut text = String::from_utf8(out.to_vec()).unwrap();
    for e in errors {
        text.push_str(&format!("# {e}\n"));
    }
    text
}

fn check(client: Api, text: &str) {
    let body = text.split("\n# ").next().unwrap();
    match client {
        Api::OpenAiChat => common::checks::check_openai(body),
        _ => common::checks::check_anthropic(body),
    }
}

#[test]
fn streams_for_both_clients() {
    for (name, input) in stream_fixtures() {
        for (client, label) in [
            (Api::OpenAiChat, "openai"),
            (Api::AnthropicMessages, "anthropic"),
        ] {
            let text = drive(translator(client).as_mut(), &name, &[&input]);
            check(client, &text);
            insta::assert_snapshot!(format!("streams__{label}_client__{name}"), text);
            let bytes: Vec<&[u8]> = input.chunks(1).collect();
            assert_eq!(
                drive(translator(client).as_mut(), &name, &bytes),
                text,
                "{name}: byte-wise"
            );
        }
    }
}

#[test]
fn stream_usage_comes_from_metadata() {
    let input = build_stream(
        &std::fs::read(
            common::fixture_dir("bedrock_upstream", "streams")
                .join("reasoning_then_text_cached.jsonl"),
        )
        .unwrap(),
    );
    for client in [Api::OpenAiChat, Api::AnthropicMessages] {
        let mut t = translator(client);
        drive(t.as_mut(), "usage", &[&input]);
        assert_eq!(
            t.usage(),
            Usage {
                input_tokens: 1204,
                output_tokens: 30,
                cached_input_tokens: 1000
            }
        );
    }
}

#[test]
fn nothing_is_written_after_the_end() {
    for (name, input) in stream_fixtures() {
        for client in [Api::OpenAiChat, Api::AnthropicMessages] {
            let mut t = translator(client);
            let mut out = BytesMut::new();
            let _ = t.push(&input, &mut out);
            let _ = t.finish(&mut out);
            let len = out.len();
            let more = build_stream(
                br#"{"event": "contentBlockDelta", "payload": {"contentBlockIndex": 0, "delta": {"text": "late"}}}"#,
            );
            assert!(t.push(&more, &mut out).is_ok());
            assert!(t.finish(&mut out).is_ok());
            t.fail("again", &mut out);
            assert_eq!(out.len(), len, "{name}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn chunking_never_changes_the_output(
        pick in any::<prop::sample::Index>(),
        anthropic in any::<bool>(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..16),
    ) {
        let fixtures = stream_fixtures();
        let (name, input) = &fixtures[pick.index(fixtures.len())];
        let client = if anthropic { Api::AnthropicMessages } else { Api::OpenAiChat };
        let whole = drive(translator(client).as_mut(), name, &[input]);
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(input.len() + 1)).collect();
        points.sort_unstable();
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut prev = 0;
        for p in points {
            chunks.push(&input[prev..p]);
            prev = p;
        }
        chunks.push(&input[prev..]);
        prop_assert_eq!(drive(translator(client).as_mut(), name, &chunks), whole);
    }
}
