//! The routing budget end to end (spec §4.8): a warm session whose next turn the router sends
//! to another model keeps its model when the switch would spend more than the budget allows,
//! and moves when it can afford it or when the prices are unknown. Prices come from a fake
//! models.dev catalog served next to the mocks; the budget comes from the config or from the
//! `x-plano-max-switch-spend-pct` header alone.
//!
//! The cost feed is fetched from the first budgeted turn, so tests repeat their two-turn
//! session on fresh session ids until a turn was priced (the `no_pricing` counter stands
//! still).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use bytes::Bytes;
use common::Harness;
use http_body_util::Full;
use plano_mock_llm::MockLlm;
use serde_json::{Value, json};

/// Three OpenAI models on mock 0, the router on mock 1. `{routing}` and `{sources}` are filled
/// in per test.
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
  - name: quick
    description: short factual questions
    models: [openai/gpt-4o-mini]
  - name: deep
    description: proofs and hard reasoning
    models: [openai/gpt-4o]
  - name: code
    description: writing code
    models: [openai/gpt-4.1]
{sources}
"#;

/// The router's keywords; the first found in the conversation wins.
const RULES: [(&str, &str); 3] = [("prove", "deep"), ("write", "code"), ("capital", "quick")];

/// Per million tokens: gpt-4o-mini reads its cache at 0.015 (input 0.15 × discount 0.1),
/// gpt-4o at 1.25 (published); gpt-4.1 costs 2.0 uncached.
///
/// With `c` context tokens on the anchor a warm turn adds `c × cached(anchor)` to the baseline:
/// - mini → gpt-4o costs `c × (2.5 − 0.015)`: far above any cap at most 100 % of `c × 0.015`;
/// - gpt-4o → gpt-4.1 costs `c × (2.0 − 1.25) = c × 0.75`: within 100 % of `c × 1.25`, not
///   within 5 % of it.
const MODELS_DEV: &str = r#"{
  "openai": {"id": "openai", "models": {
    "gpt-4o-mini": {"id": "gpt-4o-mini", "cost": {"input": 0.15, "output": 0.6}},
    "gpt-4o": {"id": "gpt-4o", "cost": {"input": 2.5, "output": 10, "cache_read": 1.25}},
    "gpt-4.1": {"id": "gpt-4.1", "cost": {"input": 2.0, "output": 8}}
  }}
}"#;

/// A catalog that knows none of the configured models.
const UNRELATED: &str = r#"{
  "acme": {"id": "acme", "models": {
    "rocket-1": {"id": "rocket-1", "cost": {"input": 1, "output": 2}}
  }}
}"#;

/// Serves `catalog` to every GET; its base URL.
async fn catalog(catalog: &'static str) -> String {
    common::serve_fn(
        move |_req: http::Request<hyper::body::Incoming>| async move {
            let resp = http::Response::builder()
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from_static(catalog.as_bytes())))
                .unwrap();
            Ok::<_, std::convert::Infallible>(resp)
        },
    )
    .await
}

fn cost_source(url: &str) -> String {
    format!(
        "model_metrics_sources:\n  - type: cost\n    provider: models.dev\n    url: {url}/api.json\n"
    )
}

fn budget(pct: &str) -> String {
    format!("routing:\n  routing_budget:\n    max_switch_spend_pct: {pct}\n")
}

async fn start(routing: &str, sources: &str) -> Harness {
    let yaml = CONFIG
        .replace("{routing}", routing)
        .replace("{sources}", sources);
    let h = Harness::start_mocks(&yaml, 2).await;
    h.mock(1).serve_router("router-model", RULES);
    h
}

fn chat(text: &str) -> Value {
    json!({"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": text}]})
}

/// Asks the routing API with `headers`.
async fn decide(h: &Harness, headers: &[(&str, &str)], body: &Value) -> Value {
    let mut req = h.post("/routing/v1/chat/completions").json(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// `brightstaff_session_switch_decisions_total` for one reason.
async fn switches(h: &Harness, reason: &str) -> u64 {
    let text = h.scrape().await;
    let decision = if reason == "over_cap" {
        "retained"
    } else {
        "allowed"
    };
    let series = format!(
        "brightstaff_session_switch_decisions_total{{decision=\"{decision}\",reason=\"{reason}\"}} "
    );
    text.lines()
        .find_map(|l| l.strip_prefix(series.as_str()))
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
        .trim()
        .parse()
        .unwrap()
}

/// Session `id`'s first turn (`first`), then its second (`second`), both through the routing
/// API; the second answer.
async fn two_turns(
    h: &Harness,
    id: &str,
    first: &str,
    second: &str,
    extra: &[(&str, &str)],
) -> Value {
    let mut headers = vec![("x-model-affinity", id)];
    headers.extend_from_slice(extra);
    let one = decide(h, &headers, &chat(first)).await;
    assert_eq!(one["session_id"], id);
    assert_eq!(
        (one["pinned"].as_bool(), one["switched"].as_bool()),
        (Some(false), Some(false))
    );
    decide(h, &headers, &chat(second)).await
}

/// [`two_turns`] on fresh sessions until the second turn was priced (at most ~3 s); the second
/// answer and its session id.
async fn priced_two_turns(
    h: &Harness,
    first: &str,
    second: &str,
    extra: &[(&str, &str)],
) -> (Value, String) {
    let deadline = Instant::now() + Duration::from_secs(3);
    for n in 0.. {
        let id = format!("session-{n}");
        let unpriced = switches(h, "no_pricing").await;
        let answer = two_turns(h, &id, first, second, extra).await;
        if switches(h, "no_pricing").await == unpriced || Instant::now() > deadline {
            return (answer, id);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    unreachable!()
}

/// The models the provider mock received, in order.
fn models_seen(mock: &MockLlm) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|r| r.json()["model"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn an_unaffordable_switch_keeps_the_session_on_its_model() {
    let url = catalog(MODELS_DEV).await;
    let h = start(&budget("5"), &cost_source(&url)).await;
    let (second, id) = priced_two_turns(&h, "capital of Peru?", "prove the theorem", &[]).await;
    assert_eq!(second["pinned"], true, "{second}");
    assert_eq!(second["switched"], false, "{second}");
    assert_eq!(
        second["route"], "quick",
        "the anchor's route is kept: {second}"
    );
    assert_eq!(
        second["models"],
        json!(["openai/gpt-4o-mini", "openai/gpt-4o"]),
        "the anchor first, the router's pick after it"
    );
    assert_eq!(switches(&h, "over_cap").await, 1);

    // A proxied turn of the same session goes to the anchor too.
    h.mock.clear_requests();
    let resp = h
        .post("/v1/chat/completions")
        .header("x-model-affinity", id.as_str())
        .json(&chat("prove it again"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers().get("x-plano-route").unwrap(), "quick");
    assert_eq!(models_seen(&h.mock), vec!["gpt-4o-mini"]);
    assert_eq!(switches(&h, "over_cap").await, 2);
    h.shutdown().await;
}

#[tokio::test]
async fn an_affordable_switch_is_allowed() {
    let url = catalog(MODELS_DEV).await;
    let h = start(&budget("100"), &cost_source(&url)).await;
    // gpt-4o → gpt-4.1: 0.75 per token against a ceiling of 1.25 per token.
    let (second, _) = priced_two_turns(&h, "prove the theorem", "write a parser", &[]).await;
    assert_eq!(second["route"], "code", "{second}");
    assert_eq!(second["models"], json!(["openai/gpt-4.1"]));
    assert_eq!(
        (second["pinned"].as_bool(), second["switched"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(switches(&h, "within_cap").await, 1);
    assert_eq!(switches(&h, "over_cap").await, 0);
    h.shutdown().await;
}

#[tokio::test]
async fn the_same_switch_over_a_smaller_cap_is_retained() {
    let url = catalog(MODELS_DEV).await;
    let h = start(&budget("5"), &cost_source(&url)).await;
    let (second, _) = priced_two_turns(&h, "prove the theorem", "write a parser", &[]).await;
    assert_eq!(second["route"], "deep", "{second}");
    assert_eq!(second["models"], json!(["openai/gpt-4o", "openai/gpt-4.1"]));
    assert_eq!(second["switched"], false);
    h.shutdown().await;
}

#[tokio::test]
async fn without_prices_the_switch_is_allowed() {
    let url = catalog(UNRELATED).await;
    let h = start(&budget("5"), &cost_source(&url)).await;
    for n in 0..3 {
        let second = two_turns(
            &h,
            &format!("s{n}"),
            "capital of Peru?",
            "prove the theorem",
            &[],
        )
        .await;
        assert_eq!(second["models"], json!(["openai/gpt-4o"]), "{second}");
        assert_eq!(
            (second["pinned"].as_bool(), second["switched"].as_bool()),
            (Some(true), Some(true))
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(switches(&h, "no_pricing").await, 3);
    assert_eq!(switches(&h, "over_cap").await, 0);
    h.shutdown().await;
}

#[tokio::test]
async fn the_header_alone_enables_the_budget() {
    let url = catalog(MODELS_DEV).await;
    // A cost source, but no budget in the config.
    let h = start("", &cost_source(&url)).await;
    let header = [("x-plano-max-switch-spend-pct", "5")];
    let (second, _) = priced_two_turns(&h, "capital of Peru?", "prove the theorem", &header).await;
    assert_eq!(second["switched"], false, "{second}");
    assert_eq!(second["models"][0], "openai/gpt-4o-mini");

    // Without the header (or with one out of range) the session follows the router.
    for extra in [&[][..], &[("x-plano-max-switch-spend-pct", "500")][..]] {
        let id = format!("plain-{}", extra.len());
        let second = two_turns(&h, &id, "capital of Peru?", "prove the theorem", extra).await;
        assert_eq!(second["switched"], true, "{extra:?}: {second}");
        assert_eq!(second["models"][0], "openai/gpt-4o");
    }

    // The header gives an implicit session to a request that names none.
    let first = json!({"messages": [{"role": "user", "content": "capital of Peru?"}]});
    let answer = decide(&h, &header, &first).await;
    let session = answer["session_id"].as_str().unwrap_or_default();
    assert!(session.starts_with("implicit:"), "{answer}");
    let mut next = first.clone();
    let msgs = next["messages"].as_array_mut().unwrap();
    msgs.push(json!({"role": "assistant", "content": "Lima."}));
    msgs.push(json!({"role": "user", "content": "now prove the theorem"}));
    let answer = decide(&h, &header, &next).await;
    assert_eq!(answer["session_id"], session);
    assert_eq!(
        (answer["pinned"].as_bool(), answer["switched"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(answer["models"][0], "openai/gpt-4o-mini");
    let answer = decide(&h, &[], &first).await;
    assert!(
        answer.get("session_id").is_none(),
        "no budget, no implicit session: {answer}"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn a_header_budget_without_a_cost_source_allows_every_switch() {
    let h = start("", "").await;
    let header = [("x-plano-max-switch-spend-pct", "5")];
    let second = two_turns(&h, "s", "capital of Peru?", "prove the theorem", &header).await;
    assert_eq!(second["switched"], true, "{second}");
    assert_eq!(second["models"], json!(["openai/gpt-4o"]));
    assert_eq!(switches(&h, "no_pricing").await, 1);
    h.shutdown().await;
}
