//! Non-streaming response translation: every fixture under `tests/fixtures/<pair>/responses/` is translated
//! and snapshotted, plus error-body translation and malformed upstream bodies.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use plano_catalog::Api;
use plano_translate::{ResponseContext, translate_error_body, translate_response};
use serde_json::Value;

fn ctx() -> ResponseContext {
    let mut ctx = ResponseContext::new(1_700_000_000, "req-1");
    ctx.fallback_model = "fallback-model".into();
    ctx
}

#[test]
fn anthropic_upstream_openai_client() {
    for (name, body) in common::fixtures("openai_client_anthropic_upstream", "responses", "json") {
        let out: Value = serde_json::from_slice(
            &translate_response(Api::AnthropicMessages, Api::OpenAiChat, &body, &ctx()).unwrap(),
        )
        .unwrap();
        insta::assert_json_snapshot!(format!("openai_client_anthropic_upstream__{name}"), out);
    }
}

#[test]
fn openai_upstream_anthropic_client() {
    for (name, body) in common::fixtures("anthropic_client_openai_upstream", "responses", "json") {
        let out: Value = serde_json::from_slice(
            &translate_response(Api::OpenAiChat, Api::AnthropicMessages, &body, &ctx()).unwrap(),
        )
        .unwrap();
        insta::assert_json_snapshot!(format!("anthropic_client_openai_upstream__{name}"), out);
    }
}

#[test]
fn malformed_upstream_bodies_are_502() {
    for (upstream, client, body) in [
        (
            Api::OpenAiChat,
            Api::AnthropicMessages,
            &br#"{"id":"x","choices":[]}"#[..],
        ),
        (Api::OpenAiChat, Api::AnthropicMessages, b"<html>"),
        (
            Api::AnthropicMessages,
            Api::OpenAiChat,
            br#"{"content":"not blocks"}"#,
        ),
    ] {
        let err = translate_response(upstream, client, body, &ctx()).unwrap_err();
        assert_eq!(err.status(), 502, "{err}");
    }
}

#[test]
fn error_bodies_cross_apis() {
    let cases: [(Api, Api, u16, &str); 6] = [
        (
            Api::OpenAiChat,
            Api::AnthropicMessages,
            400,
            r#"{"error":{"message":"This model's maximum context length is 128000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#,
        ),
        (
            Api::OpenAiChat,
            Api::AnthropicMessages,
            401,
            r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"#,
        ),
        (
            Api::AnthropicMessages,
            Api::OpenAiChat,
            529,
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        ),
        (
            Api::AnthropicMessages,
            Api::OpenAiChat,
            404,
            r#"{"type":"error","error":{"type":"not_found_error","message":"model: claude-x"}}"#,
        ),
        (
            Api::OpenAiChat,
            Api::AnthropicMessages,
            503,
            "upstream connect error or disconnect/reset before headers",
        ),
        (
            Api::AnthropicMessages,
            Api::OpenAiChat,
            429,
            r#"{"message":"Too many requests"}"#,
        ),
    ];
    let out: Vec<Value> = cases
        .iter()
        .map(|(u, c, status, body)| {
            serde_json::from_slice(&translate_error_body(*u, *c, *status, body.as_bytes())).unwrap()
        })
        .collect();
    insta::assert_json_snapshot!(out);
}
