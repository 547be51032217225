//! `selection_policy.prefer` end to end: a route's models reordered by a live metrics feed — a
//! fake models.dev catalog (`cheapest`) or a fake Prometheus (`fastest`) served next to the
//! mocks. The feed is fetched on the first routed request, so that request (and any before the
//! fetch completes) keeps the configured order; a feed that fails keeps it for good; dropping the
//! gateway stops the refresher.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::Harness;
use http_body_util::Full;
use plano_mock_llm::{MockLlm, Reply};
use serde_json::{Value, json};

/// Two OpenAI models on mock 0, the router on mock 1; one route listing the dearer and slower
/// model first. `{prefer}` and `{sources}` are filled in per test.
const RANKED: &str = r#"
version: v0.4.0
listeners:
  - type: model
    name: m
    port: 12000
overrides:
  llm_routing_model: plano/router-model
model_providers:
  - model: openai/gpt-4o
    access_key: $OPENAI_API_KEY
    base_url: {mock0}
    default: true
  - model: openai/gpt-4o-mini
    access_key: $OPENAI_API_KEY
    base_url: {mock0}
  - model: plano/router-model
    base_url: {mock1}
routing_preferences:
  - name: quick
    description: short factual questions
    models: [openai/gpt-4o, openai/gpt-4o-mini]
    selection_policy:
      prefer: {prefer}
model_metrics_sources:
{sources}
"#;

/// A models.dev catalog where gpt-4o-mini is the cheaper model.
const MODELS_DEV: &str = r#"{
  "openai": {"id": "openai", "models": {
    "gpt-4o": {"id": "gpt-4o", "cost": {"input": 2.5, "output": 10, "cache_read": 1.25}},
    "gpt-4o-mini": {"id": "gpt-4o-mini", "cost": {"input": 0.15, "output": 0.6}}
  }}
}"#;

/// A Prometheus answer where gpt-4o-mini is the faster model (keyed by its bare name: the
/// route's `openai/gpt-4o-mini` falls back to it).
const PROMETHEUS: &str = r#"{"status": "success", "data": {"resultType": "vector", "result": [
  {"metric": {"model_name": "openai/gpt-4o"}, "value": [1712345678.1, "1.8"]},
  {"metric": {"model_name": "gpt-4o-mini"}, "value": [1712345678.1, "0.4"]}
]}}"#;

const QUERY: &str = "avg by (model_name) (plano_latency_seconds)";

fn chat(text: &str) -> Value {
    json!({"model": "openai/gpt-4o", "messages": [{"role": "user", "content": text}]})
}

/// The models the provider mock received, in order.
fn models_seen(mock: &MockLlm) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|r| r.json()["model"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A fake feed answering `status` and `body` to every GET; the request targets it saw.
#[derive(Clone)]
struct Feed {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
    hits: Arc<AtomicUsize>,
}

impl Feed {
    async fn start(status: u16, body: &'static str) -> Feed {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let hits = Arc::new(AtomicUsize::new(0));
        let (log, count) = (seen.clone(), hits.clone());
        let url = common::serve_fn(move |req: http::Request<hyper::body::Incoming>| {
            let (log, count) = (log.clone(), count.clone());
            async move {
                log.lock()
                    .unwrap()
                    .push(format!("{} {}", req.method(), req.uri()));
                count.fetch_add(1, Ordering::SeqCst);
                let resp = http::Response::builder()
                    .status(status)
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from_static(body.as_bytes())))
                    .unwrap();
                Ok::<_, std::convert::Infallible>(resp)
            }
        })
        .await;
        Feed { url, seen, hits }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn start(prefer: &str, sources: &str) -> Harness {
    let yaml = RANKED
        .replace("{prefer}", prefer)
        .replace("{sources}", sources);
    let h = Harness::start_mocks(&yaml, 2).await;
    h.mock(1)
        .serve_router("router-model", [("capital", "quick")]);
    h
}

/// Sends routed requests until one is dispatched to `want` (at most ~3 s); the models the
/// provider received, in order.
async fn until_dispatched_to(h: &Harness, want: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let resp = h.chat(&chat("capital of Peru?")).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers().get("x-plano-route").unwrap(), "quick");
        let seen = models_seen(&h.mock);
        if seen.last().map(String::as_str) == Some(want) || Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn cheapest_puts_the_cheaper_model_first_once_the_catalog_is_loaded() {
    let feed = Feed::start(200, MODELS_DEV).await;
    let sources = format!(
        "  - type: cost\n    provider: models.dev\n    url: {}/api.json\n",
        feed.url
    );
    let h = start("cheapest", &sources).await;
    assert_eq!(feed.hits(), 0, "nothing is fetched before a route ranks");
    let seen = until_dispatched_to(&h, "gpt-4o-mini").await;
    // The first request started the fetch and kept the configured order.
    assert_eq!(seen.first().map(String::as_str), Some("gpt-4o"));
    assert_eq!(
        seen.last().map(String::as_str),
        Some("gpt-4o-mini"),
        "{seen:?}"
    );
    // Fetched once: no refresh_interval.
    assert_eq!(feed.seen.lock().unwrap().clone(), vec!["GET /api.json"]);

    // The rest of the ranked list is the failover chain…
    h.mock.clear_requests();
    h.mock.enqueue(Reply::error(503));
    let resp = h.chat(&chat("capital of Chile?")).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(models_seen(&h.mock), vec!["gpt-4o-mini", "gpt-4o"]);
    // …and what the routing API reports.
    let resp = h
        .post("/routing/v1/chat/completions")
        .json(&chat("capital of Chile?"))
        .send()
        .await
        .unwrap();
    let answer: Value = resp.json().await.unwrap();
    assert_eq!(
        answer["models"],
        json!(["openai/gpt-4o-mini", "openai/gpt-4o"]),
        "{answer}"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn fastest_puts_the_faster_model_first_once_prometheus_answers() {
    let feed = Feed::start(200, PROMETHEUS).await;
    let sources = format!(
        "  - type: latency\n    provider: prometheus\n    url: {}/prom/\n    query: '{QUERY}'\n",
        feed.url
    );
    let h = start("fastest", &sources).await;
    let seen = until_dispatched_to(&h, "gpt-4o-mini").await;
    assert_eq!(seen.first().map(String::as_str), Some("gpt-4o"));
    assert_eq!(
        seen.last().map(String::as_str),
        Some("gpt-4o-mini"),
        "{seen:?}"
    );
    assert_eq!(
        feed.seen.lock().unwrap().clone(),
        vec![
            "GET /prom/api/v1/query?query=avg%20by%20%28model_name%29%20%28plano_latency_seconds%29"
        ]
    );
    h.shutdown().await;
}

#[tokio::test]
async fn a_failing_feed_keeps_the_configured_order() {
    let feed = Feed::start(500, r#"{"error": "down"}"#).await;
    let sources = format!(
        "  - type: cost\n    provider: models.dev\n    url: {}\n    refresh_interval: 1\n",
        feed.url
    );
    let h = start("cheapest", &sources).await;
    let resp = h.chat(&chat("capital of Peru?")).await;
    assert_eq!(resp.status(), 200);
    let deadline = Instant::now() + Duration::from_secs(3);
    while feed.hits() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(feed.hits() >= 1, "the feed was asked");
    tokio::time::sleep(Duration::from_millis(100)).await;
    for _ in 0..3 {
        let resp = h.chat(&chat("capital of Peru?")).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers().get("x-plano-route").unwrap(), "quick");
    }
    assert_eq!(models_seen(&h.mock), vec!["gpt-4o"; 4]);
    h.shutdown().await;
}

#[tokio::test]
async fn dropping_the_gateway_stops_the_refresher() {
    let feed = Feed::start(200, MODELS_DEV).await;
    let sources = format!(
        "  - type: cost\n    provider: models.dev\n    url: {}\n    refresh_interval: 1\n",
        feed.url
    );
    let h = start("cheapest", &sources).await;
    until_dispatched_to(&h, "gpt-4o-mini").await;
    // Refreshed every second while the gateway lives.
    let deadline = Instant::now() + Duration::from_secs(4);
    while feed.hits() < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(feed.hits() >= 2, "refreshed: {}", feed.hits());
    h.shutdown().await;
    let after_drop = feed.hits();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        feed.hits(),
        after_drop,
        "no fetch after the gateway is gone"
    );
}
