//! The access log: one `plano::access` line per request, written when the response body ends,
//! with status, provider, attempts and (for streams) tokens — and never a secret or prompt text.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::capture::{capture, field};
use common::{Harness, TWO_PROVIDERS};
use plano_mock_llm::Reply;
use serde_json::json;

#[tokio::test]
async fn one_line_per_request_with_its_fields() {
    let (captured, _guard) = capture(tracing::Level::TRACE);
    let h = Harness::start(TWO_PROVIDERS).await;

    // 1: same API, non-streaming.
    let r = h
        .chat(&json!({"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hi"}]}))
        .await;
    assert_eq!(r.status(), 200);
    r.text().await.unwrap();
    let lines = captured.wait_for(1).await;
    let l = &lines[0];
    assert!(l.contains(" INFO "), "{l}");
    assert_eq!(field(l, "listener"), "test");
    assert_eq!(field(l, "method"), "POST");
    assert_eq!(field(l, "path"), "/v1/chat/completions");
    assert_eq!(field(l, "status"), "200");
    assert_eq!(field(l, "model"), "openai/gpt-4o");
    assert_eq!(field(l, "provider"), "openai/gpt-4o");
    assert_eq!(field(l, "upstream_model"), "gpt-4o");
    assert_eq!(field(l, "attempts"), "1");
    assert_eq!(field(l, "completed"), "true");
    assert_ne!(field(l, "request_id"), "-");
    assert!(field(l, "ttfb_ms").parse::<f64>().is_ok(), "{l}");
    assert!(field(l, "duration_ms").parse::<f64>().is_ok(), "{l}");
    assert_eq!(field(l, "ttft_ms"), "-", "not a stream");

    // 2: an OpenAI client streaming from Anthropic: the translator reports the tokens.
    let r = h
        .post("/v1/chat/completions")
        .header("x-request-id", "req-stream-1")
        .json(
            &json!({"model": "anthropic/claude-sonnet-4-5", "stream": true,
                      "messages": [{"role": "user", "content": "hi"}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap();
    let lines = captured.wait_for(2).await;
    let l = &lines[1];
    assert_eq!(field(l, "request_id"), "req-stream-1");
    assert_eq!(field(l, "provider"), "anthropic/claude-sonnet-4-5");
    assert_eq!(field(l, "upstream_model"), "claude-sonnet-4-5");
    let tokens_in: u64 = field(l, "tokens_in").parse().expect("tokens_in known");
    let tokens_out: u64 = field(l, "tokens_out").parse().expect("tokens_out known");
    assert!(tokens_in > 0 && tokens_out > 0, "{l}");
    let ttft: f64 = field(l, "ttft_ms")
        .parse()
        .expect("a stream is timed to its first bytes");
    assert!(
        ttft <= field(l, "duration_ms").parse::<f64>().unwrap(),
        "{l}"
    );

    // 3: an unknown model: a 400 without a provider or attempt.
    let r = h.chat(&json!({"model": "nope/nope", "messages": []})).await;
    assert_eq!(r.status(), 400);
    r.text().await.unwrap();
    let lines = captured.wait_for(3).await;
    let l = &lines[2];
    assert_eq!(field(l, "status"), "400");
    assert_eq!(field(l, "provider"), "-");
    assert_eq!(field(l, "attempts"), "0");

    // 4: a non-LLM route is logged too.
    h.get("/v1/models")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines = captured.wait_for(4).await;
    assert_eq!(field(&lines[3], "path"), "/v1/models");
    assert_eq!(lines.len(), 4, "one line per request: {lines:#?}");
}

#[tokio::test]
async fn retries_are_counted_and_the_serving_provider_named() {
    let (captured, _guard) = capture(tracing::Level::TRACE);
    let h = common::start_seed_004().await;
    h.mock.enqueue(Reply::error(429));
    h.mock.enqueue(Reply::error(503));
    let r = h
        .chat(&json!({"model": "custom/claude-opus-4-6",
                      "messages": [{"role": "user", "content": "Hello!"}]}))
        .await;
    assert_eq!(r.status(), 200);
    r.text().await.unwrap();
    let lines = captured.wait_for(1).await;
    assert_eq!(field(&lines[0], "attempts"), "3");
    assert_eq!(
        field(&lines[0], "provider"),
        "custom-offcial/claude-opus-4-6"
    );
}

#[tokio::test]
async fn no_secret_or_prompt_text_in_access_lines() {
    let (captured, _guard) = capture(tracing::Level::TRACE);
    let h = Harness::start(TWO_PROVIDERS).await;
    for stream in [false, true] {
        let r = h
            .post("/v1/messages")
            .header("authorization", "Bearer client-secret-xyz")
            .header("x-api-key", "client-key-xyz")
            .json(
                &json!({"model": "openai/gpt-4o", "max_tokens": 10, "stream": stream,
                          "messages": [{"role": "user", "content": "the-secret-prompt-words"}]}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.text().await.unwrap();
    }
    let lines = captured.wait_for(2).await;
    for l in &lines {
        for secret in [
            "client-secret-xyz",
            "client-key-xyz",
            "sk-openai-test",
            "sk-ant-test",
            "the-secret-prompt-words",
        ] {
            assert!(!l.contains(secret), "`{secret}` leaked into {l}");
        }
    }
    // The whole log, debug lines included, is as clean of provider keys.
    assert!(!captured.all().contains("sk-openai-test"));
}

#[tokio::test]
async fn a_client_that_leaves_mid_stream_is_logged() {
    let (captured, _guard) = capture(tracing::Level::TRACE);
    let h = Harness::start(TWO_PROVIDERS).await;
    h.mock.enqueue(
        Reply::text("one two three four five six seven eight")
            .with_chunk_delay(Duration::from_millis(200)),
    );
    let mut r = h
        .chat(&json!({"model": "openai/gpt-4o", "stream": true,
                      "messages": [{"role": "user", "content": "hi"}]}))
        .await;
    assert_eq!(r.status(), 200);
    let _first = r.chunk().await.unwrap();
    drop(r);
    let lines = captured.wait_for(1).await;
    assert_eq!(field(&lines[0], "status"), "200");
    assert_eq!(field(&lines[0], "completed"), "false");
}
