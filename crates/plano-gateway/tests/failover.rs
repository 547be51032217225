//! Cross-provider failover under `retry_policy`: each mock is one provider, and the tests assert
//! which provider received what, in which order and in which API, and what the client got.

mod common;

use common::{Harness, sse_events, stats};
use plano_mock_llm::Reply;
use serde_json::{Value, json};

/// Primary `openai/gpt-4o` on mock 0 failing over to `openai/gpt-4o-mini` on mock 1, then to
/// `anthropic/claude-sonnet-4-5` on mock 2. Backoff in milliseconds to keep tests fast.
const THREE: &str = r#"
version: v0.4.0
listeners:
  - type: model
    name: m
    port: 12000
model_providers:
  - model: openai/gpt-4o
    access_key: $OPENAI_API_KEY
    base_url: {mock0}
    default: true
    retry_policy:
      fallback_models: [openai/gpt-4o-mini, anthropic/claude-sonnet-4-5]
      default_max_attempts: 3
      on_status_codes:
        - codes: [401, 429, 503]
          strategy: different_provider
      backoff: {base_ms: 1, max_ms: 5}
  - model: openai/gpt-4o-mini
    access_key: $OPENAI_MINI_KEY
    base_url: {mock1}
  - model: anthropic/claude-sonnet-4-5
    access_key: $ANTHROPIC_API_KEY
    base_url: {mock2}
"#;

fn chat(model: &str) -> Value {
    json!({"model": model, "messages": [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hello"}
    ]})
}

#[tokio::test]
async fn primary_503_fails_over_to_the_fallback() {
    let h = Harness::start_mocks(THREE, 3).await;
    h.mock(0)
        .enqueue(Reply::error_message(503, "primary overloaded"));
    h.mock(1).enqueue(Reply::text("from the fallback"));
    let r = h.chat(&chat("openai/gpt-4o")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-plano-provider"], "openai/gpt-4o-mini");
    assert_eq!(
        r.headers()["x-plano-attempts"],
        "openai/gpt-4o=503,openai/gpt-4o-mini=200"
    );
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["choices"][0]["message"]["content"], "from the fallback");

    assert_eq!(h.mock(0).requests().len(), 1);
    let sent = h.mock(1).requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].json()["model"], "gpt-4o-mini");
    assert_eq!(
        sent[0].header("authorization"),
        Some("Bearer key-openai_mini_key")
    );
    assert!(
        h.mock(2).requests().is_empty(),
        "the chain stops at the first success"
    );

    let primary = stats(&h, "openai/gpt-4o");
    assert_eq!((primary.attempts, primary.recovered), (1, 1));
    let fallback = stats(&h, "openai/gpt-4o-mini");
    assert_eq!(
        (fallback.attempts, fallback.retries, fallback.failovers),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn openai_primary_fails_over_to_anthropic_with_the_request_retranslated() {
    let yaml = THREE.replace(
        "[openai/gpt-4o-mini, anthropic/claude-sonnet-4-5]",
        "[anthropic/claude-sonnet-4-5]",
    );
    let h = Harness::start_mocks(&yaml, 3).await;
    h.mock(0).enqueue(Reply::error(429));
    h.mock(2).enqueue(Reply::text("anthropic answers"));
    let r = h.chat(&chat("gpt-4o")).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["object"], "chat.completion", "still the client's API");
    assert_eq!(v["choices"][0]["message"]["content"], "anthropic answers");

    let first = &h.mock(0).requests()[0];
    assert_eq!(first.path, "/v1/chat/completions");
    assert_eq!(first.json()["messages"][0]["role"], "system");
    let second = &h.mock(2).requests()[0];
    assert_eq!(second.path, "/v1/messages");
    assert_eq!(second.header("x-api-key"), Some("key-anthropic_api_key"));
    let body = second.json();
    assert_eq!(body["model"], "claude-sonnet-4-5");
    assert_eq!(body["system"], "be brief", "an Anthropic Messages body");
    assert_eq!(body["messages"][0]["role"], "user");
    assert!(body["max_tokens"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn an_anthropic_client_gets_the_original_bytes_on_an_anthropic_fallback() {
    let yaml = THREE.replace(
        "[openai/gpt-4o-mini, anthropic/claude-sonnet-4-5]",
        "[anthropic/claude-sonnet-4-5]",
    );
    let h = Harness::start_mocks(&yaml, 3).await;
    h.mock(0).enqueue(Reply::error(503));
    let original = r#"{"model":"openai/gpt-4o","max_tokens":50,"messages":[{"role":"user","content":"hi"}],"x_unknown":{"a":[1,2]}}"#;
    let r = h
        .post("/v1/messages")
        .header("content-type", "application/json")
        .body(original)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["type"], "message");
    // First attempt: translated to OpenAI. Second: the original bytes, only `model` changed.
    assert_eq!(h.mock(0).requests()[0].path, "/v1/chat/completions");
    let second = &h.mock(2).requests()[0];
    assert_eq!(
        second.body_text(),
        original.replace("\"openai/gpt-4o\"", "\"claude-sonnet-4-5\"")
    );
}

#[tokio::test]
async fn a_listed_401_is_retried_and_a_400_never() {
    let h = Harness::start_mocks(THREE, 3).await;
    h.mock(0).enqueue(Reply::error_message(401, "bad key"));
    let r = h.chat(&chat("openai/gpt-4o")).await;
    assert_eq!(r.status(), 200, "401 is listed: another channel is tried");
    assert_eq!(h.mock(1).requests().len(), 1);

    h.mock(0)
        .enqueue(Reply::error_message(400, "messages: field required"));
    let r = h.chat(&chat("openai/gpt-4o")).await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["x-plano-attempts"], "openai/gpt-4o=400");
    assert!(
        r.headers().get("x-plano-error").is_none(),
        "the provider's error"
    );
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["message"], "messages: field required");
    assert_eq!(h.mock(0).requests().len(), 2);
    assert_eq!(h.mock(1).requests().len(), 1, "a 400 is never retried");
    assert!(h.mock(2).requests().is_empty());
}

#[tokio::test]
async fn a_stream_fails_over_before_its_first_byte() {
    let h = Harness::start_mocks(THREE, 3).await;
    // A 503 head, then a 200 whose stream dies before its first event: both retryable.
    h.mock(0).enqueue(Reply::error(503));
    h.mock(1)
        .enqueue(Reply::text("never seen").with_cut_after_events(0));
    h.mock(2).enqueue(Reply::text("streamed by anthropic"));
    let r = h
        .chat(&json!({"model": "gpt-4o", "stream": true,
                      "messages": [{"role": "user", "content": "x"}]}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["x-plano-attempts"],
        "openai/gpt-4o=503,openai/gpt-4o-mini=protocol,anthropic/claude-sonnet-4-5=200"
    );
    let text = r.text().await.unwrap();
    assert!(text.trim_end().ends_with("data: [DONE]"), "{text}");
    let content: String = sse_events(&text)
        .iter()
        .filter(|(_, d)| d != "[DONE]")
        .filter_map(|(_, d)| {
            let v: Value = serde_json::from_str(d).ok()?;
            v["choices"][0]["delta"]["content"]
                .as_str()
                .map(String::from)
        })
        .collect();
    assert_eq!(content, "streamed by anthropic");
    assert_eq!(h.mock(2).requests()[0].path, "/v1/messages");
}

#[tokio::test]
async fn a_started_stream_is_never_retried() {
    let h = Harness::start_mocks(THREE, 3).await;
    h.mock(0).enqueue(
        Reply::text("one two three four five six")
            .with_stream_chunks(6)
            .with_cut_after_events(3),
    );
    let r = h
        .chat(&json!({"model": "gpt-4o", "stream": true,
                      "messages": [{"role": "user", "content": "x"}]}))
        .await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let events = sse_events(&text);
    let (_, last) = events.last().unwrap();
    let v: Value = serde_json::from_str(last).unwrap();
    assert!(
        v["error"]["message"].is_string(),
        "ends with an error event: {text}"
    );
    assert!(!text.contains("[DONE]"));
    assert!(
        h.mock(1).requests().is_empty(),
        "no failover after bytes were sent"
    );
    assert!(h.mock(2).requests().is_empty());
}

#[tokio::test]
async fn all_attempts_failing_returns_the_last_status_with_a_summary() {
    let h = Harness::start_mocks(THREE, 3).await;
    h.mock(0).enqueue(Reply::error_message(429, "slow down"));
    h.mock(1).enqueue(Reply::error_message(503, "overloaded"));
    h.mock(2)
        .enqueue(Reply::error_message(500, "anthropic broke").with_retry_after("7"));
    let r = h
        .messages(&json!({"model": "gpt-4o", "max_tokens": 10,
                      "messages": [{"role": "user", "content": "x"}]}))
        .await;
    assert_eq!(r.status(), 500, "the last upstream status");
    assert_eq!(
        r.headers()["retry-after"],
        "7",
        "the last provider's hint rides along"
    );
    assert_eq!(
        r.headers()["x-plano-attempts"],
        "openai/gpt-4o=429,openai/gpt-4o-mini=503,anthropic/claude-sonnet-4-5=500"
    );
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["type"], "error", "the Anthropic client's error shape");
    assert_eq!(v["error"]["type"], "api_error");
    assert_eq!(
        v["error"]["message"],
        "anthropic broke (tried: openai/gpt-4o → 429, openai/gpt-4o-mini → 503, \
         anthropic/claude-sonnet-4-5 → 500)"
    );
    assert_eq!(stats(&h, "openai/gpt-4o").exhausted, 1);
}

#[tokio::test]
async fn the_attempt_budget_bounds_the_chain() {
    let h = Harness::start_mocks(THREE, 3).await;
    for i in 0..3 {
        h.mock(i).enqueue(Reply::error(503));
        h.mock(i).enqueue(Reply::error(503));
    }
    let r = h.chat(&chat("gpt-4o")).await;
    assert_eq!(r.status(), 503);
    let v: Value = r.json().await.unwrap();
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.ends_with(
            "(tried: openai/gpt-4o → 503, openai/gpt-4o-mini → 503, anthropic/claude-sonnet-4-5 → 503)"
        ),
        "{message}"
    );
    let sent: Vec<usize> = (0..3).map(|i| h.mock(i).requests().len()).collect();
    assert_eq!(
        sent,
        [1, 1, 1],
        "default_max_attempts: 3 counts the first request"
    );
}

#[tokio::test]
async fn a_final_connect_error_is_a_gateway_502_with_the_summary() {
    let yaml = THREE.replace("base_url: {mock1}", "base_url: http://127.0.0.1:9");
    let yaml = yaml.replace("default_max_attempts: 3", "default_max_attempts: 2");
    let h = Harness::start_mocks(&yaml, 3).await;
    h.mock(0).enqueue(Reply::error(503));
    let r = h.chat(&chat("gpt-4o")).await;
    assert_eq!(r.status(), 502);
    assert_eq!(r.headers()["x-plano-error"], "upstream_connect");
    assert_eq!(
        r.headers()["x-plano-attempts"],
        "openai/gpt-4o=503,openai/gpt-4o-mini=connect"
    );
    let v: Value = r.json().await.unwrap();
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.ends_with("(tried: openai/gpt-4o → 503, openai/gpt-4o-mini → connect error)"),
        "{message}"
    );
}

#[tokio::test]
async fn the_seed_004_config_runs_unchanged_and_fails_over() {
    let h = common::start_seed_004().await;
    h.mock
        .enqueue(Reply::error_message(429, "channel 1 rate limited"));
    h.mock.enqueue(Reply::error_message(503, "channel 2 down"));
    h.mock.enqueue(Reply::text("channel 3 answers"));
    let r = h
        .post("/v1/chat/completions")
        .json(
            &json!({"model": "custom/claude-opus-4-6", "max_tokens": 100,
                      "messages": [{"role": "user", "content": "Hello!"}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["x-plano-provider"],
        "custom-offcial/claude-opus-4-6"
    );
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["choices"][0]["message"]["content"], "channel 3 answers");
    // The same model through three channels, each with its own key, in fallback order.
    let sent = h.mock.requests();
    let keys: Vec<_> = sent
        .iter()
        .map(|r| r.header("authorization").unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "Bearer key-claude_api_key",
            "Bearer key-claude_aws_api_key",
            "Bearer key-claude_offcial_api_key"
        ]
    );
    assert!(sent.iter().all(|r| r.json()["model"] == "claude-opus-4-6"));
    assert!(sent.iter().all(|r| r.path == "/v1/chat/completions"));

    // Three attempts is the budget: a fourth channel is never reached.
    h.mock.clear_requests();
    for _ in 0..4 {
        h.mock.enqueue(Reply::error(503));
    }
    let r = h
        .chat(&json!({"model": "custom/claude-opus-4-6",
                      "messages": [{"role": "user", "content": "Hello!"}]}))
        .await;
    assert_eq!(r.status(), 503);
    assert_eq!(h.mock.requests().len(), 3);
    h.mock.clear_replies();

    // A channel named directly is exactly that channel (it has no policy of its own).
    h.mock.clear_requests();
    let r = h
        .chat(&json!({"model": "custom-aws/claude-opus-4-6",
                      "messages": [{"role": "user", "content": "Hello!"}]}))
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("x-plano-attempts").is_none());
    let sent = h.mock.requests();
    assert_eq!(
        sent[0].header("authorization"),
        Some("Bearer key-claude_aws_api_key")
    );
}
