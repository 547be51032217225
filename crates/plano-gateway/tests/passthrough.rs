//! Same API on both sides: the body reaches the provider byte-for-byte except `model`, and the
//! provider's answer reaches the client byte-for-byte.

mod common;

use common::{Harness, TWO_PROVIDERS, sse_events};
use serde_json::{Value, json};

#[tokio::test]
async fn openai_request_bytes_survive_except_model() {
    let h = Harness::start(TWO_PROVIDERS).await;
    // Odd spacing, key order and unknown fields must all reach the provider untouched.
    let body = r#"{ "messages":[{"role":"user","content":"hi"}],  "model" : "openai/gpt-4o", "x_vendor_knob": {"deep": [1,2,{"model":"not-me"}]}, "temperature":0.2 }"#;
    let resp = h
        .post("/v1/chat/completions")
        .header("authorization", "Bearer client-secret")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let reqs = h.mock.requests();
    assert_eq!(reqs.len(), 1);
    let sent = &reqs[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    let expected = body.replace(r#""openai/gpt-4o""#, r#""gpt-4o""#);
    assert_eq!(std::str::from_utf8(&sent.body).unwrap(), expected);
    assert_eq!(sent.header("authorization"), Some("Bearer sk-openai-test"));
    let length: usize = resp.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let text = resp.text().await.unwrap();
    assert_eq!(
        length,
        text.len(),
        "the provider's content-length is kept for an unchanged body"
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["object"], "chat.completion");
}

#[tokio::test]
async fn openai_stream_passes_through_as_it_arrives() {
    let h = Harness::start(TWO_PROVIDERS).await;
    let resp = h.chat(&json!({"model": "gpt-4o", "stream": true, "messages": [{"role": "user", "content": "héllo"}]})).await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let text = resp.text().await.unwrap();
    let events = sse_events(&text);
    assert_eq!(events.last().map(|e| e.1.as_str()), Some("[DONE]"));
    let content: String = events
        .iter()
        .filter(|(_, d)| d != "[DONE]")
        .filter_map(|(_, d)| serde_json::from_str::<Value>(d).ok())
        .filter_map(|v| {
            v["choices"][0]["delta"]["content"]
                .as_str()
                .map(String::from)
        })
        .collect();
    assert!(!content.is_empty());
}

#[tokio::test]
async fn anthropic_passthrough_keeps_unknown_fields_and_version_headers() {
    let h = Harness::start(TWO_PROVIDERS).await;
    let body = json!({
        "model": "anthropic/claude-sonnet-4-5",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}}]}],
        "thinking": {"type": "enabled", "budget_tokens": 1024},
        "context_management": {"edits": []}
    });
    let resp = h
        .post("/v1/messages")
        .header("x-api-key", "client-key")
        .header("anthropic-version", "2023-06-01")
        .header("anthropic-beta", "interleaved-thinking-2025-05-14")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let sent = &h.mock.requests()[0];
    assert_eq!(sent.path, "/v1/messages");
    assert_eq!(sent.header("x-api-key"), Some("sk-ant-test"));
    assert_eq!(
        sent.header("anthropic-beta"),
        Some("interleaved-thinking-2025-05-14")
    );
    assert!(sent.header("authorization").is_none());
    let mut expected = body.clone();
    expected["model"] = json!("claude-sonnet-4-5");
    assert_eq!(sent.json(), expected);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["type"], "message");
}

#[tokio::test]
async fn alias_and_default_resolution() {
    let h = Harness::start(TWO_PROVIDERS).await;
    let r = h
        .chat(&json!({"model": "plano.fast.v1", "messages": [{"role": "user", "content": "x"}]}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(h.mock.requests()[0].json()["model"], "gpt-4o");

    // No model at all: the default provider, with its model inserted.
    let r = h
        .chat(&json!({"messages": [{"role": "user", "content": "x"}]}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(h.mock.requests()[1].json()["model"], "gpt-4o");
}

#[tokio::test]
async fn upstream_errors_keep_status_and_body() {
    let h = Harness::start(TWO_PROVIDERS).await;
    h.mock
        .enqueue(plano_mock_llm::Reply::error_message(429, "slow down").with_retry_after("7"));
    let r = h
        .chat(&json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}))
        .await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    assert!(
        r.headers().get("x-plano-error").is_none(),
        "provider errors are not gateway errors"
    );
    let v: Value = r.json().await.unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("slow down")
    );
}

#[tokio::test]
async fn mid_stream_cut_ends_with_an_error_event() {
    let h = Harness::start(TWO_PROVIDERS).await;
    h.mock
        .enqueue(plano_mock_llm::Reply::text("one two three four five").with_cut_after_events(2));
    let r = h.messages(&json!({"model": "claude-sonnet-4-5", "max_tokens": 10, "stream": true, "messages": [{"role": "user", "content": "x"}]})).await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let events = sse_events(&text);
    let last = events.last().unwrap();
    assert_eq!(
        last.0.as_deref(),
        Some("error"),
        "stream must end with an error event: {text}"
    );
    let v: Value = serde_json::from_str(&last.1).unwrap();
    assert_eq!(v["type"], "error");
}
