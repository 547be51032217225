//! Provider health across requests: a `Retry-After` cools a provider down for later requests, a
//! run of failures opens its circuit, and when every candidate is cooling down one is still
//! tried.

mod common;

use common::{Harness, stats};
use plano_mock_llm::Reply;
use serde_json::{Value, json};

/// `openai/gpt-4o` (mock 0, or a dead port) failing over to `openai/gpt-4o-mini` (mock 1).
const PAIR: &str = r#"
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
      backoff: {base_ms: 1, max_ms: 5}
  - model: openai/gpt-4o-mini
    access_key: k
    base_url: {mock1}
"#;

fn chat() -> Value {
    json!({"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "x"}]})
}

#[tokio::test]
async fn retry_after_cools_the_provider_down_for_later_requests() {
    let h = Harness::start_mocks(PAIR, 2).await;
    h.mock(0).enqueue(Reply::error(429).with_retry_after("30"));
    let r = h.chat(&chat()).await;
    assert_eq!(r.status(), 200);
    assert!(h.gateway.is_cooling_down("openai/gpt-4o"));

    // The next request goes straight to the fallback.
    let r = h.chat(&chat()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-plano-attempts"], "openai/gpt-4o-mini=200");
    assert_eq!(r.headers()["x-plano-provider"], "openai/gpt-4o-mini");
    assert_eq!(h.mock(0).requests().len(), 1, "skipped while cooling down");
    assert_eq!(h.mock(1).requests().len(), 2);
    let s = stats(&h, "openai/gpt-4o");
    assert_eq!((s.cool_downs, s.circuit_opens), (1, 0));
    assert!(s.skipped >= 1);
}

#[tokio::test]
async fn the_circuit_opens_after_consecutive_connect_failures() {
    let yaml = PAIR.replace("base_url: {mock0}", "base_url: http://127.0.0.1:9");
    let h = Harness::start_mocks(&yaml, 2).await;
    for n in 1..=3 {
        let r = h.chat(&chat()).await;
        assert_eq!(r.status(), 200, "request {n} fails over");
        assert_eq!(
            r.headers()["x-plano-attempts"],
            "openai/gpt-4o=connect,openai/gpt-4o-mini=200"
        );
    }
    assert!(h.gateway.is_cooling_down("openai/gpt-4o"));
    let r = h.chat(&chat()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["x-plano-attempts"],
        "openai/gpt-4o-mini=200",
        "the dead provider is skipped"
    );
    let s = stats(&h, "openai/gpt-4o");
    assert_eq!((s.attempts, s.circuit_opens, s.cool_downs), (3, 1, 1));
    assert_eq!(stats(&h, "openai/gpt-4o-mini").failovers, 4);
}

#[tokio::test]
async fn five_hundreds_open_the_circuit_too_but_4xx_do_not() {
    let h = Harness::start_mocks(PAIR, 2).await;
    for _ in 0..3 {
        h.mock(0).enqueue(Reply::error(400));
    }
    for _ in 0..3 {
        let r = h.chat(&chat()).await;
        assert_eq!(r.status(), 400);
    }
    assert!(!h.gateway.is_cooling_down("openai/gpt-4o"));
    for _ in 0..3 {
        h.mock(0).enqueue(Reply::error(500));
        let r = h.chat(&chat()).await;
        assert_eq!(r.status(), 200);
    }
    assert!(h.gateway.is_cooling_down("openai/gpt-4o"));
}

#[tokio::test]
async fn streams_dying_before_their_first_event_open_the_circuit() {
    let h = Harness::start_mocks(PAIR, 2).await;
    let body = json!({"model": "openai/gpt-4o", "stream": true,
                      "messages": [{"role": "user", "content": "x"}]});
    for _ in 0..3 {
        h.mock(0).enqueue(Reply::echo().with_cut_after_events(0));
        let r = h.chat(&body).await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers()["x-plano-attempts"],
            "openai/gpt-4o=protocol,openai/gpt-4o-mini=200",
            "a 200 head is not health: the first event is"
        );
        assert!(r.text().await.unwrap().contains("[DONE]"));
    }
    assert!(h.gateway.is_cooling_down("openai/gpt-4o"));
}

#[tokio::test]
async fn when_every_candidate_is_cooling_down_one_is_still_tried() {
    let h = Harness::start_mocks(PAIR, 2).await;
    h.mock(0).enqueue(Reply::error(429).with_retry_after("30"));
    h.mock(1).enqueue(Reply::error(429).with_retry_after("30"));
    let r = h.chat(&chat()).await;
    assert_eq!(r.status(), 429);
    assert_eq!(
        r.headers()["x-plano-attempts"],
        "openai/gpt-4o=429,openai/gpt-4o-mini=429"
    );
    assert!(h.gateway.is_cooling_down("openai/gpt-4o"));
    assert!(h.gateway.is_cooling_down("openai/gpt-4o-mini"));

    // Both cooling down: the request is still sent — to the provider it asked for.
    let r = h.chat(&chat()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-plano-attempts"], "openai/gpt-4o=200");
    assert_eq!(h.mock(0).requests().len(), 2);
    assert!(
        !h.gateway.is_cooling_down("openai/gpt-4o"),
        "a success ends the cool-down"
    );
}
