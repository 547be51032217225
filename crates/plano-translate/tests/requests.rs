//! Request translation: every fixture under `tests/fixtures/<pair>/requests/` is translated and the result
//! snapshotted; plus the requests that must be refused.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use plano_catalog::Api;
use plano_translate::{
    MaxTokensField, RequestOptions, ThinkingMapping, TranslateError, translate_request,
};
use serde_json::Value;

fn opts() -> RequestOptions {
    RequestOptions::new("upstream-model")
}

fn translate(client: Api, upstream: Api, body: &[u8], opts: &RequestOptions) -> Value {
    serde_json::from_slice(&translate_request(client, upstream, body, opts).unwrap()).unwrap()
}

#[test]
fn openai_client_anthropic_upstream() {
    for (name, body) in common::fixtures("openai_client_anthropic_upstream", "requests", "json") {
        let out = translate(Api::OpenAiChat, Api::AnthropicMessages, &body, &opts());
        insta::assert_json_snapshot!(format!("openai_client_anthropic_upstream__{name}"), out);
    }
}

#[test]
fn anthropic_client_openai_upstream() {
    for (name, body) in common::fixtures("anthropic_client_openai_upstream", "requests", "json") {
        let out = translate(Api::AnthropicMessages, Api::OpenAiChat, &body, &opts());
        insta::assert_json_snapshot!(format!("anthropic_client_openai_upstream__{name}"), out);
    }
}

#[test]
fn anthropic_client_options() {
    let body = br#"{"model":"m","max_tokens":5,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"x"}]}"#;
    let mut o = opts();
    o.openai_max_tokens_field = MaxTokensField::MaxTokens;
    o.thinking_mapping = ThinkingMapping::Drop;
    let out = translate(Api::AnthropicMessages, Api::OpenAiChat, body, &o);
    assert_eq!(out["max_tokens"], 5);
    assert!(out.get("max_completion_tokens").is_none());
    assert!(out.get("reasoning_effort").is_none());
}

#[test]
fn default_max_tokens_applies() {
    let body = br#"{"model":"m","messages":[{"role":"user","content":"x"}]}"#;
    let out = translate(Api::OpenAiChat, Api::AnthropicMessages, body, &opts());
    assert_eq!(out["max_tokens"], 4096);
}

#[test]
fn same_api_only_rewrites_model() {
    let body = br#"{"model" : "a", "x": [1, 2]}"#;
    let out = translate_request(Api::OpenAiChat, Api::OpenAiChat, body, &opts()).unwrap();
    assert_eq!(out, br#"{"model" : "upstream-model", "x": [1, 2]}"#);
}

#[track_caller]
fn refused(client: Api, upstream: Api, body: &str) -> String {
    match translate_request(client, upstream, body.as_bytes(), &opts()) {
        Err(e) => {
            assert_eq!(e.status(), 400);
            e.to_string()
        }
        Ok(out) => panic!("accepted: {}", String::from_utf8_lossy(&out)),
    }
}

#[test]
fn openai_requests_that_cannot_be_expressed() {
    let c = Api::OpenAiChat;
    let u = Api::AnthropicMessages;
    insta::assert_snapshot!(
        [
            refused(c, u, "not json"),
            refused(c, u, r#"{"messages":[{"role":"user","content":"x"}],"n":2}"#),
            refused(c, u, r#"{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x","format":"wav"}}]}]}"#),
            refused(c, u, r#"{"messages":[{"role":"function","name":"f","content":"x"}]}"#),
            refused(c, u, r#"{"messages":[{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{oops"}}]}]}"#),
            refused(c, u, r#"{"messages":[{"role":"assistant","tool_calls":[{"id":"c2","type":"custom","custom":{"name":"f","input":"x"}}]}]}"#),
            refused(c, u, r#"{"messages":[{"role":"tool","content":"x"}]}"#),
            refused(c, u, r#"{"messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-1"}}]}]}"#),
            refused(c, u, r#"{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x/y.png"}}]}]}"#),
            refused(c, u, r#"{"messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]}"#),
        ]
        .join("\n")
    );
}

#[test]
fn anthropic_requests_that_cannot_be_expressed() {
    let c = Api::AnthropicMessages;
    let u = Api::OpenAiChat;
    insta::assert_snapshot!(
        [
            refused(c, u, "[]"),
            refused(c, u, r#"{"max_tokens":1,"messages":[{"role":"system","content":"x"}]}"#),
            refused(c, u, r#"{"max_tokens":1,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"url","url":"https://x/a.pdf"}}]}]}"#),
            refused(c, u, r#"{"max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}"#),
        ]
        .join("\n")
    );
}

#[test]
fn unsupported_pairs() {
    for (c, u) in [
        (Api::OpenAiResponses, Api::AnthropicMessages),
        (Api::OpenAiResponses, Api::BedrockConverse),
    ] {
        assert!(matches!(
            translate_request(c, u, b"{}", &opts()),
            Err(TranslateError::Unsupported { .. })
        ));
    }
}
