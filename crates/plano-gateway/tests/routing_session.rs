//! Session bindings refreshed after the response (spec §4.6): a routed turn with a session
//! stores the request's context estimate, then — once the provider's response reported its
//! usage — the real prompt size and the turn's cost. Streams report usage (same API or
//! translated); a translated non-streaming body is read whole anyway and gives its usage; a
//! same-API non-streaming body is relayed unparsed, so its turn keeps the estimate.
//!
//! The memory store is checked through `brightstaff_session_binding_events_total{event="refresh"}`
//! and through a routing-budget verdict that only the refreshed size makes; with
//! `PLANO_TEST_REDIS_URL` set, the binding is read back from Redis.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use bytes::Bytes;
use common::Harness;
use http_body_util::Full;
use plano_mock_llm::{MockLlm, Reply, Usage};
use serde_json::{Value, json};

/// Three OpenAI models on mock 0, the router on mock 1.
const CONFIG: &str = r#"
version: v0.4.0
listeners:
  - type: model
    name: m
    port: 12000
overrides:
  llm_routing_model: plano/router-model
{routing}
model_providers:
  - model: openai/gpt-4o-mini
    access_key: $OPENAI_API_KEY
    base_url: {mock0}
    default: true
  - model: openai/gpt-4o
    access_key: $OPENAI_API_KEY
    base_url: {mock0}
  - model: openai/gpt-4.1
    access_key: $OPENAI_API_KEY
    base_url: {mock0}
  - model: plano/router-model
    base_url: {mock1}
routing_preferences:
  - name: deep
    description: proofs and hard reasoning
    models: [openai/gpt-4o]
  - name: code
    description: writing code
    models: [openai/gpt-4.1]
{sources}
"#;

const RULES: [(&str, &str); 2] = [("prove", "deep"), ("write", "code")];

/// Per million tokens: gpt-4o input 2.5, cached 1.25, output 10; gpt-4.1 input 2.0.
const MODELS_DEV: &str = r#"{
  "openai": {"id": "openai", "models": {
    "gpt-4o-mini": {"id": "gpt-4o-mini", "cost": {"input": 0.15, "output": 0.6}},
    "gpt-4o": {"id": "gpt-4o", "cost": {"input": 2.5, "output": 10, "cache_read": 1.25}},
    "gpt-4.1": {"id": "gpt-4.1", "cost": {"input": 2.0, "output": 8}}
  }}
}"#;

async fn catalog() -> String {
    common::serve_fn(
        move |_req: http::Request<hyper::body::Incoming>| async move {
            let resp = http::Response::builder()
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from_static(MODELS_DEV.as_bytes())))
                .unwrap();
            Ok::<_, std::convert::Infallible>(resp)
        },
    )
    .await
}

/// A 5 % routing budget priced by the fake catalog at `url`.
fn budgeted(url: &str) -> (String, String) {
    (
        "routing:\n  routing_budget:\n    max_switch_spend_pct: 5\n".to_owned(),
        format!(
            "model_metrics_sources:\n  - type: cost\n    provider: models.dev\n    url: {url}/api.json\n"
        ),
    )
}

async fn start(routing: &str, sources: &str) -> Harness {
    let yaml = CONFIG
        .replace("{routing}", routing)
        .replace("{sources}", sources);
    let h = Harness::start_mocks(&yaml, 2).await;
    h.mock(1).serve_router("router-model", RULES);
    h
}

/// One counter series of the scrape, 0 when absent.
async fn counter(h: &Harness, series: &str) -> u64 {
    let text = h.scrape().await;
    let prefix = format!("{series} ");
    text.lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .map_or(0, |v| v.trim().parse().unwrap())
}

const REFRESH: &str = r#"brightstaff_session_binding_events_total{event="refresh"}"#;

/// Waits (≤ 3 s) for the refresh counter to reach `n`; the record ends just after the body.
async fn refreshes_reach(h: &Harness, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let got = counter(h, REFRESH).await;
        if got == n {
            return;
        }
        assert!(
            got < n && Instant::now() < deadline,
            "refreshes: {got}, want {n}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A streamed chat turn of session `id` (usage requested), answered with `usage`; the body.
async fn streamed_turn(h: &Harness, id: &str, text: &str, usage: Usage) -> String {
    h.mock.enqueue(Reply::text("ok").with_usage(usage));
    let resp = h
        .post("/v1/chat/completions")
        .header("x-model-affinity", id)
        .json(&json!({
            "model": "openai/gpt-4o-mini",
            "stream": true,
            "stream_options": {"include_usage": true},
            "messages": [{"role": "user", "content": text}],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.text().await.unwrap()
}

fn models_seen(mock: &MockLlm) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|r| r.json()["model"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The routing API's decision for session `id`.
async fn decide(h: &Harness, id: &str, text: &str) -> Value {
    let resp = h
        .post("/routing/v1/chat/completions")
        .header("x-model-affinity", id)
        .json(&json!({"model": "openai/gpt-4o-mini",
                      "messages": [{"role": "user", "content": text}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// The cost feed starts on the first budgeted turn: throwaway two-turn sessions through the
/// routing API until a switch is priced (the `no_pricing` counter stands still).
async fn until_priced(h: &Harness) {
    let no_pricing =
        r#"brightstaff_session_switch_decisions_total{decision="allowed",reason="no_pricing"}"#;
    let deadline = Instant::now() + Duration::from_secs(5);
    for n in 0.. {
        let id = format!("warm-up-{n}");
        let before = counter(h, no_pricing).await;
        decide(h, &id, "prove it").await;
        decide(h, &id, "write it").await;
        if counter(h, no_pricing).await == before {
            return;
        }
        assert!(Instant::now() < deadline, "the cost feed never loaded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_streamed_turn_refreshes_its_binding() {
    let h = start("", "").await;
    let body = streamed_turn(&h, "s1", "prove it", Usage::new(1200, 7).with_cached(200)).await;
    assert!(body.contains("\"prompt_tokens\":1200"), "{body}");
    refreshes_reach(&h, 1).await;

    // No session, nothing to refresh.
    h.mock
        .enqueue(Reply::text("ok").with_usage(Usage::new(50, 1)));
    let resp = h
        .chat(&json!({"model": "openai/gpt-4o-mini", "stream": true,
                      "stream_options": {"include_usage": true},
                      "messages": [{"role": "user", "content": "prove it"}]}))
        .await;
    assert_eq!(resp.status(), 200);
    resp.text().await.unwrap();

    // A same-API JSON body is relayed unparsed: the turn keeps its estimate.
    h.mock
        .enqueue(Reply::text("ok").with_usage(Usage::new(60, 1)));
    let resp = h
        .post("/v1/chat/completions")
        .header("x-model-affinity", "s1")
        .json(&json!({"model": "openai/gpt-4o-mini",
                      "messages": [{"role": "user", "content": "prove it again"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.text().await.unwrap();

    // A translated JSON body is read whole anyway: its usage refreshes the binding.
    h.mock
        .enqueue(Reply::text("ok").with_usage(Usage::new(70, 1)));
    let resp = h
        .post("/v1/messages")
        .header("x-model-affinity", "s1")
        .json(&json!({"model": "openai/gpt-4o-mini", "max_tokens": 16,
                      "messages": [{"role": "user", "content": "prove it once more"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let answer: Value = resp.json().await.unwrap();
    assert_eq!(answer["usage"]["input_tokens"], 70, "{answer}");
    refreshes_reach(&h, 2).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(counter(&h, REFRESH).await, 2);

    // A provider error refreshes nothing.
    h.mock.enqueue(Reply::error(500));
    let resp = h
        .post("/v1/chat/completions")
        .header("x-model-affinity", "s1")
        .json(&json!({"model": "openai/gpt-4o-mini", "stream": true,
                      "messages": [{"role": "user", "content": "prove it"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 500);
    resp.text().await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(counter(&h, REFRESH).await, 2);
    h.shutdown().await;
}

/// gpt-4o → gpt-4.1 under a 5 % budget: the switch costs `c × 0.75` per million tokens of the
/// anchor's context `c`, against a ceiling of 5 % of the baseline, which grows by `c × 1.25`
/// per warm turn. Turn 1 reports a 100 000-token prompt, turn 2 a 1 000-token one, so turn 3
/// may switch: 1 000 × 0.75 ≤ 0.05 × (100 000 + 1 000) × 1.25. On the request estimates
/// alone (a token or two per turn, nothing refreshed — the routing API's session below) the
/// same switch is far over the cap and the anchor is kept.
#[tokio::test]
async fn a_budget_prices_the_refreshed_context() {
    let url = catalog().await;
    let (routing, sources) = budgeted(&url);
    let h = start(&routing, &sources).await;
    until_priced(&h).await;

    // Estimates only: retained.
    decide(&h, "estimated", "prove A").await;
    decide(&h, "estimated", "prove B").await;
    let third = decide(&h, "estimated", "write C").await;
    assert_eq!(third["models"][0], "openai/gpt-4o", "{third}");
    assert_eq!(third["switched"], false, "{third}");

    // Refreshed from real usage: allowed.
    let within =
        r#"brightstaff_session_switch_decisions_total{decision="allowed",reason="within_cap"}"#;
    let allowed = counter(&h, within).await;
    let refreshed = counter(&h, REFRESH).await;
    h.mock.clear_requests();
    streamed_turn(&h, "real", "prove A", Usage::new(100_000, 5)).await;
    refreshes_reach(&h, refreshed + 1).await;
    streamed_turn(&h, "real", "prove B", Usage::new(1_000, 5)).await;
    refreshes_reach(&h, refreshed + 2).await;
    streamed_turn(&h, "real", "write C", Usage::new(1_000, 5)).await;
    assert_eq!(models_seen(&h.mock), ["gpt-4o", "gpt-4o", "gpt-4.1"]);
    assert_eq!(counter(&h, within).await, allowed + 1);
    h.shutdown().await;
}

#[tokio::test]
async fn redis_binding_gets_real_usage_and_cost() {
    let Ok(redis) = std::env::var("PLANO_TEST_REDIS_URL") else {
        eprintln!("skipping: PLANO_TEST_REDIS_URL is not set");
        return;
    };
    let url = catalog().await;
    let (budget, sources) = budgeted(&url);
    let routing = format!("{budget}  session_cache:\n    type: redis\n    url: {redis}\n");
    let h = start(&routing, &sources).await;
    until_priced(&h).await;

    let id = format!("refresh-test-{}", std::process::id());
    streamed_turn(&h, &id, "prove it", Usage::new(1200, 7).with_cached(200)).await;
    let store = plano_state::SessionStore::redis(&redis).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    let b = loop {
        let b = store.get(&id).await.unwrap();
        if let Some(b) = b.filter(|b| b.cached_tokens == 1200) {
            break b;
        }
        assert!(Instant::now() < deadline, "binding never refreshed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(b.anchor_model, "openai/gpt-4o");
    assert_eq!(
        b.history_entry("openai/gpt-4o").map(|e| e.cached_tokens),
        Some(1200)
    );
    // 1 000 uncached × 2.5 + 200 cached × 1.25 + 7 output × 10, per million.
    let want = (1000.0 * 2.5 + 200.0 * 1.25 + 7.0 * 10.0) / 1e6;
    assert!(
        (b.session_cost_usd - want).abs() < 1e-12,
        "{} != {want}",
        b.session_cost_usd
    );
    assert_eq!(counter(&h, REFRESH).await, 1);

    // The next turn adds its own cost to the session's.
    streamed_turn(
        &h,
        &id,
        "prove it again",
        Usage::new(1300, 3).with_cached(1200),
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(3);
    let b = loop {
        let b = store.get(&id).await.unwrap();
        if let Some(b) = b.filter(|b| b.cached_tokens == 1300) {
            break b;
        }
        assert!(Instant::now() < deadline, "binding never refreshed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let second = (100.0 * 2.5 + 1200.0 * 1.25 + 3.0 * 10.0) / 1e6;
    assert!((b.session_cost_usd - (want + second)).abs() < 1e-12);
    h.shutdown().await;
}
