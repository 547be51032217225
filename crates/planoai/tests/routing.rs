//! Preference routing through the real binary: seed 004's config, unchanged but for its base
//! URLs, served by `planoai up` with `PLANO_ROUTER_URL` pointing the built-in router at a mock
//! router. Each request lands on its route's model; with the router gone, every request still
//! succeeds on the default model.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Gateway, free_port, temp_dir};
use plano_mock_llm::MockLlm;
use serde_json::{Value, json};

const SEED: &str = include_str!(
    "../../plano-config/tests/fixtures/seeds/retry-failover-smart-routing--recommended-config--correct.yaml"
);

async fn chat(port: u16, text: &str) -> (u16, Option<String>) {
    let resp = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/v1/chat/completions"))
        .json(&json!({"model": "custom/claude-opus-4-6",
            "messages": [{"role": "user", "content": text}]}))
        .send()
        .await
        .unwrap();
    let route = resp
        .headers()
        .get("x-plano-route")
        .map(|v| v.to_str().unwrap().to_string());
    (resp.status().as_u16(), route)
}

#[tokio::test]
async fn seed_004_routes_through_the_binary_and_survives_losing_its_router() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let provider = MockLlm::start().await.unwrap();
    let router = MockLlm::start().await.unwrap();
    router.serve_router(
        "Plano-Orchestrator",
        [
            ("write a function", "code generation"),
            ("capital of", "quick tasks"),
        ],
    );
    let dir = temp_dir("routing-seed");
    let file = dir.join("config.yaml");
    std::fs::write(
        &file,
        SEED.replace("https://your-api-endpoint.com", &provider.base_url()),
    )
    .unwrap();
    let port = free_port();
    let router_url = router.base_url();
    let env = [
        ("CLAUDE_API_KEY", "k1"),
        ("CLAUDE_AWS_API_KEY", "k2"),
        ("CLAUDE_OFFCIAL_API_KEY", "k3"),
        ("CODEX_API_KEY", "k4"),
        ("PLANO_ROUTER_URL", router_url.as_str()),
    ];
    let gw = Gateway::start_env(
        &file,
        &["--listener-port", &port.to_string(), "--metrics-port", "0"],
        &env,
    )
    .await;

    assert_eq!(
        chat(port, "write a function to parse dates").await,
        (200, Some("code generation".into()))
    );
    assert_eq!(
        chat(port, "what is the capital of Peru?").await,
        (200, Some("quick tasks".into()))
    );
    let models: Vec<Value> = provider
        .requests()
        .iter()
        .map(|r| r.json()["model"].clone())
        .collect();
    assert_eq!(
        models,
        vec![json!("claude-opus-4-6"), json!("gemini-3-flash-preview")]
    );
    gw.wait_for("plano-orchestrator determined routes", 2).await;

    // The routing API, from the binary.
    let decision: Value = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{port}/routing/v1/chat/completions"
        ))
        .json(&json!({"model": "custom/claude-opus-4-6",
            "messages": [{"role": "user", "content": "write a function"}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(decision["models"], json!(["custom/claude-opus-4-6"]));
    assert_eq!(decision["route"], "code generation");

    // The router goes away: requests keep working, on the model they named.
    router.shutdown().await;
    for _ in 0..5 {
        assert_eq!(chat(port, "write a function").await, (200, None));
    }
    assert_eq!(provider.requests().len(), 7);
    gw.wait_for("router failed, routing to the requested model", 1)
        .await;
    gw.stop().await;
}
