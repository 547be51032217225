//! Retrying the same provider: `Retry-After` honored as the delay, the time budget turning a long
//! wait into a failover, and the legacy `listeners[].max_retries`.

mod common;

use std::time::{Duration, Instant};

use common::{Harness, TWO_PROVIDERS};
use plano_mock_llm::Reply;
use serde_json::{Value, json};

/// `same_model` retries on mock 0, with `openai/gpt-4o-mini` on mock 1 as the only fallback.
const SAME_MODEL: &str = r#"
version: v0.4.0
listeners:
  - type: model
    name: m
    port: 12000
model_providers:
  - model: openai/gpt-4o
    access_key: k
    base_url: {mock0}
    retry_policy:
      fallback_models: [openai/gpt-4o-mini]
      try_remaining_providers: false
      default_strategy: same_model
      default_max_attempts: 3
      backoff: {base_ms: 1, max_ms: 5, jitter: false}
  - model: openai/gpt-4o-mini
    access_key: k
    base_url: {mock1}
"#;

fn chat() -> Value {
    json!({"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "x"}]})
}

#[tokio::test]
async fn retry_after_is_waited_out_on_the_same_provider() {
    let h = Harness::start_mocks(SAME_MODEL, 2).await;
    h.mock(0)
        .enqueue(Reply::error_message(429, "rate limited").with_retry_after("1"));
    h.mock(0).enqueue(Reply::text("after the wait"));
    let started = Instant::now();
    let r = h.chat(&chat()).await;
    let took = started.elapsed();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["x-plano-attempts"],
        "openai/gpt-4o=429,openai/gpt-4o=200"
    );
    assert!(
        took >= Duration::from_millis(950),
        "Retry-After: 1 honored, took {took:?}"
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["choices"][0]["message"]["content"], "after the wait");
    assert_eq!(h.mock(0).requests().len(), 2);
    assert!(h.mock(1).requests().is_empty());
}

#[tokio::test]
async fn retry_after_ms_is_honored_too() {
    let h = Harness::start_mocks(SAME_MODEL, 2).await;
    h.mock(0)
        .enqueue(Reply::error(503).with_header("retry-after-ms", "200"));
    let started = Instant::now();
    let r = h.chat(&chat()).await;
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(190));
    assert_eq!(h.mock(0).requests().len(), 2);
}

#[tokio::test]
async fn a_wait_beyond_the_time_budget_fails_over_at_once() {
    let yaml = SAME_MODEL.replace(
        "      default_max_attempts: 3",
        "      default_max_attempts: 3\n      max_retry_duration_ms: 2000",
    );
    let h = Harness::start_mocks(&yaml, 2).await;
    h.mock(0).enqueue(Reply::error(429).with_retry_after("30"));
    let started = Instant::now();
    let r = h.chat(&chat()).await;
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(1), "no 30 s sleep");
    assert_eq!(r.headers()["x-plano-provider"], "openai/gpt-4o-mini");
}

#[tokio::test]
async fn same_model_retries_until_the_attempt_budget() {
    let h = Harness::start_mocks(SAME_MODEL, 2).await;
    for _ in 0..3 {
        h.mock(0).enqueue(Reply::error_message(500, "boom"));
    }
    let r = h.chat(&chat()).await;
    assert_eq!(r.status(), 500);
    assert_eq!(
        r.headers()["x-plano-attempts"],
        "openai/gpt-4o=500,openai/gpt-4o=500,openai/gpt-4o=500"
    );
    assert_eq!(h.mock(0).requests().len(), 3);
    assert!(
        h.mock(1).requests().is_empty(),
        "same_model never fails over on a 500"
    );
}

#[tokio::test]
async fn a_timeout_follows_on_timeout() {
    let yaml = SAME_MODEL
        .replace(
            "    base_url: {mock0}\n",
            "    base_url: {mock0}\n    first_byte_timeout: 150ms\n",
        )
        .replace(
            "      default_max_attempts: 3",
            "      default_max_attempts: 3\n      on_timeout: {strategy: different_provider, max_attempts: 2}",
        );
    let h = Harness::start_mocks(&yaml, 2).await;
    h.mock(0)
        .enqueue(Reply::text("too late").with_delay(Duration::from_secs(2)));
    let started = Instant::now();
    let r = h.chat(&chat()).await;
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(
        r.headers()["x-plano-attempts"],
        "openai/gpt-4o=timeout,openai/gpt-4o-mini=200"
    );
}

/// The legacy listener knob: no `retry_policy`, `max_retries: 1`.
const LEGACY: &str = r#"
version: v0.4.0
listeners:
  - type: model
    name: m
    port: 12000
    max_retries: 1
model_providers:
  - model: openai/gpt-4o
    access_key: k
    base_url: {mock}
    default: true
  - model: openai/gpt-4o-mini
    access_key: k
    base_url: {mock}
"#;

#[tokio::test]
async fn legacy_max_retries_retries_the_same_provider() {
    let h = Harness::start_mocks(LEGACY, 1).await;
    h.mock.enqueue(Reply::error(503));
    let r = h.chat(&chat()).await;
    assert_eq!(r.status(), 200);
    let sent = h.mock.requests();
    assert_eq!(sent.len(), 2);
    assert!(
        sent.iter().all(|r| r.json()["model"] == "gpt-4o"),
        "same provider"
    );

    // One retry only, then the provider's answer as is.
    h.mock.clear_requests();
    h.mock.enqueue(Reply::error(502));
    h.mock.enqueue(Reply::error_message(502, "still down"));
    let r = h.chat(&chat()).await;
    assert_eq!(r.status(), 502);
    assert_eq!(h.mock.requests().len(), 2);

    // Not on a 400.
    h.mock.clear_requests();
    h.mock.enqueue(Reply::error(400));
    let r = h.chat(&chat()).await;
    assert_eq!(r.status(), 400);
    assert_eq!(h.mock.requests().len(), 1);
}

#[tokio::test]
async fn without_a_plan_there_is_exactly_one_attempt() {
    let h = Harness::start(TWO_PROVIDERS).await;
    h.mock
        .enqueue(Reply::error_message(503, "down").with_retry_after("1"));
    let r = h.chat(&chat()).await;
    assert_eq!(r.status(), 503);
    assert_eq!(
        r.headers()["retry-after"],
        "1",
        "the provider's answer, untouched"
    );
    assert!(r.headers().get("x-plano-attempts").is_none());
    assert!(r.headers().get("x-plano-provider").is_none());
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["message"], "down");
    assert_eq!(h.mock.requests().len(), 1);
}
