//! Gateway-made errors, limits and the small endpoints: every error in the client's own shape,
//! marked with `x-plano-error`.

mod common;

use common::{Harness, TWO_PROVIDERS};
use serde_json::{Value, json};

#[tokio::test]
async fn unknown_model_in_each_dialect() {
    let h = Harness::start(TWO_PROVIDERS).await;
    let r = h.chat(&json!({"model": "nope/none", "messages": []})).await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["x-plano-error"], "model_not_found");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["type"], "invalid_request_error");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("nope/none")
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/v1/models")
    );

    let r = h
        .messages(&json!({"model": "nope", "max_tokens": 1, "messages": []}))
        .await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["type"], "error");
    assert_eq!(v["error"]["type"], "invalid_request_error");
    assert!(h.mock.requests().is_empty(), "nothing reached a provider");
}

#[tokio::test]
async fn malformed_json_is_a_400_not_a_panic() {
    let h = Harness::start(TWO_PROVIDERS).await;
    for body in [
        "",
        "{",
        "[1,2]",
        "{\"model\": 5}",
        "\u{0}\u{1}garbage",
        "{\"a\":1} trailing",
    ] {
        let r = h.post("/v1/messages").body(body).send().await.unwrap();
        assert_eq!(r.status(), 400, "body {body:?}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["type"], "error");
    }
}

#[tokio::test]
async fn body_limit_gives_413_in_client_shape() {
    let yaml = TWO_PROVIDERS.replace(
        "    port: 12000",
        "    port: 12000\n    max_request_body_bytes: 1024",
    );
    let h = Harness::start(&yaml).await;
    let big = "x".repeat(4096);
    let r = h
        .chat(&json!({"model": "gpt-4o", "messages": [{"role": "user", "content": big}]}))
        .await;
    assert_eq!(r.status(), 413);
    assert_eq!(r.headers()["x-plano-error"], "request_too_large");
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["message"].is_string());
}

#[tokio::test]
async fn unreachable_provider_is_a_502_and_slow_one_a_504() {
    // Port 9 on loopback: nothing listens there.
    let yaml = r#"
version: v0.4.0
listeners:
  - type: model
    name: m
    port: 12000
model_providers:
  - model: openai/dead
    access_key: k
    base_url: http://127.0.0.1:9
  - model: openai/slow
    access_key: k
    base_url: {mock}
    first_byte_timeout: 200ms
"#;
    let h = Harness::start(yaml).await;
    let r = h
        .chat(&json!({"model": "openai/dead", "messages": []}))
        .await;
    assert_eq!(r.status(), 502);
    assert_eq!(r.headers()["x-plano-error"], "upstream_connect");

    h.mock
        .enqueue(plano_mock_llm::Reply::text("late").with_delay(std::time::Duration::from_secs(2)));
    let r = h
        .chat(&json!({"model": "openai/slow", "messages": []}))
        .await;
    assert_eq!(r.status(), 504);
    assert_eq!(r.headers()["x-plano-error"], "upstream_timeout");
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("200 ms"));
}

#[tokio::test]
async fn models_health_and_preflight() {
    let h = Harness::start(TWO_PROVIDERS).await;
    let r = h.get("/healthz").send().await.unwrap();
    assert_eq!(r.status(), 200);

    let v: Value = h
        .get("/v1/models")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["object"], "list");
    let ids: Vec<_> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["openai/gpt-4o", "anthropic/claude-sonnet-4-5"]);
    assert_eq!(v["data"][1]["owned_by"], "Anthropic");

    let r = h
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/v1/models", h.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers()["access-control-allow-origin"], "*");

    let r = h.get("/v1/chat/completions").send().await.unwrap();
    assert_eq!(r.status(), 405);
    let r = h.get("/nope").send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.headers().get("x-request-id").is_some());
}

#[tokio::test]
async fn passthrough_auth_forwards_the_client_key() {
    let yaml = r#"
version: v0.4.0
listeners:
  - type: model
    name: m
    port: 12000
model_providers:
  - model: custom/litellm-proxy
    base_url: {mock}
    provider_interface: openai
    passthrough_auth: true
    default: true
"#;
    let h = Harness::start(yaml).await;
    let r = h
        .post("/v1/chat/completions")
        .header("authorization", "Bearer tenant-key-42")
        .json(&json!({"model": "custom/litellm-proxy", "messages": [{"role": "user", "content": "x"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let sent = &h.mock.requests()[0];
    assert_eq!(sent.header("authorization"), Some("Bearer tenant-key-42"));
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.json()["model"], "litellm-proxy");
}

#[tokio::test]
async fn in_flight_stream_survives_shutdown() {
    let h = Harness::start(TWO_PROVIDERS).await;
    h.mock.enqueue(
        plano_mock_llm::Reply::text("one two three four")
            .with_chunk_delay(std::time::Duration::from_millis(100)),
    );
    let resp = h.chat(&json!({"model": "gpt-4o", "stream": true, "messages": [{"role": "user", "content": "x"}]})).await;
    let url = h.url.clone();
    let shutdown = tokio::spawn(h.shutdown());
    let text = resp.text().await.unwrap();
    assert!(
        text.trim_end().ends_with("data: [DONE]"),
        "stream completed during drain: {text}"
    );
    shutdown.await.unwrap();
    assert!(
        reqwest::get(format!("{url}/healthz")).await.is_err(),
        "no longer accepting"
    );
}

#[tokio::test]
async fn h2c_clients_are_served() {
    let h = Harness::start(TWO_PROVIDERS).await;
    let h2 = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let r = h2
        .post(format!("{}/v1/chat/completions", h.url))
        .json(&json!({"model": "claude-sonnet-4-5", "stream": true, "messages": [{"role": "user", "content": "x"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.version(), reqwest::Version::HTTP_2);
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(text.trim_end().ends_with("data: [DONE]"), "{text}");
}
