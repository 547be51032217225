//! The official `openai` and `anthropic` Python SDKs against the running gateway, in passthrough
//! and in both translation directions, streaming and not, tools included.
//!
//! Needs `PLANO_TEST_PYTHON` pointing at a Python with both SDKs installed (`.ci/run` makes
//! one). Without it each test prints why and passes vacuously, so `cargo test` works anywhere.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Harness, TWO_PROVIDERS};
use plano_mock_llm::{Reply, ToolCall};
use serde_json::{Value, json};

fn python() -> Option<String> {
    match std::env::var("PLANO_TEST_PYTHON") {
        Ok(p) if !p.is_empty() => Some(p),
        _ => {
            eprintln!(
                "skipping: PLANO_TEST_PYTHON is not set (run .ci/run to create the SDK venv)"
            );
            None
        }
    }
}

async fn run_sdk(python: &str, script: &str, base_url: &str, model: &str, case: &str) -> Value {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "sdk", script]
        .iter()
        .collect();
    let args = [base_url.to_string(), model.to_string(), case.to_string()];
    let python = python.to_string();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(path)
            .args(&args)
            .output()
            .expect("python runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{script} {case} failed:\nstdout: {stdout}\nstderr: {stderr}"
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("bad output {stdout}: {e}"))
}

const OPENAI_MODEL: &str = "openai/gpt-4o";
const ANTHROPIC_MODEL: &str = "anthropic/claude-sonnet-4-5";

#[tokio::test]
async fn openai_sdk_text_on_both_providers() {
    let Some(py) = python() else { return };
    let h = Harness::start(TWO_PROVIDERS).await;
    for model in [OPENAI_MODEL, ANTHROPIC_MODEL] {
        let v = run_sdk(&py, "openai_sdk.py", &h.url, model, "text").await;
        assert!(
            v["content"]
                .as_str()
                .unwrap()
                .contains("hello from the openai sdk"),
            "{model}: {v}"
        );
        assert_eq!(v["finish_reason"], "stop");
        assert!(v["usage"]["total_tokens"].as_u64().unwrap() > 0);
    }
    let paths: Vec<_> = h.mock.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, vec!["/v1/chat/completions", "/v1/messages"]);
}

#[tokio::test]
async fn openai_sdk_streams_on_both_providers() {
    let Some(py) = python() else { return };
    let h = Harness::start(TWO_PROVIDERS).await;
    for model in [OPENAI_MODEL, ANTHROPIC_MODEL] {
        h.mock
            .enqueue(Reply::text("héllo 世界 🎉 from the stream").with_chunk_bytes(5));
        let v = run_sdk(&py, "openai_sdk.py", &h.url, model, "stream").await;
        assert_eq!(
            v["content"], "héllo 世界 🎉 from the stream",
            "{model}: {v}"
        );
        assert_eq!(v["finish_reason"], "stop");
        assert!(
            v["usage"]["completion_tokens"].as_u64().unwrap() > 0,
            "{model}: {v}"
        );
    }
}

#[tokio::test]
async fn openai_sdk_tools_on_both_providers() {
    let Some(py) = python() else { return };
    let h = Harness::start(TWO_PROVIDERS).await;
    for model in [OPENAI_MODEL, ANTHROPIC_MODEL] {
        h.mock
            .enqueue(Reply::tool_call("get_weather", json!({"city": "Paris"})));
        let v = run_sdk(&py, "openai_sdk.py", &h.url, model, "tools").await;
        assert_eq!(v["finish_reason"], "tool_calls", "{model}: {v}");
        assert_eq!(v["tool_calls"][0]["name"], "get_weather");
        let args: Value =
            serde_json::from_str(v["tool_calls"][0]["arguments"].as_str().unwrap()).unwrap();
        assert_eq!(args, json!({"city": "Paris"}));

        h.mock.enqueue(Reply::tool_calls([
            ToolCall::new("get_weather", json!({"city": "Oslo"})),
            ToolCall::new("get_weather", json!({"city": "Lima"})),
        ]));
        let v = run_sdk(&py, "openai_sdk.py", &h.url, model, "tools_stream").await;
        assert_eq!(v["finish_reason"], "tool_calls", "{model}: {v}");
        let calls = v["tool_calls"].as_array().unwrap();
        assert_eq!(calls.len(), 2, "{model}: {v}");
        let a: Value = serde_json::from_str(calls[1]["arguments"].as_str().unwrap()).unwrap();
        assert_eq!(a, json!({"city": "Lima"}));
    }
}

#[tokio::test]
async fn anthropic_sdk_text_and_stream_on_both_providers() {
    let Some(py) = python() else { return };
    let h = Harness::start(TWO_PROVIDERS).await;
    for model in [ANTHROPIC_MODEL, OPENAI_MODEL] {
        let v = run_sdk(&py, "anthropic_sdk.py", &h.url, model, "text").await;
        assert_eq!(v["stop_reason"], "end_turn", "{model}: {v}");
        assert!(
            v["content"][0]["text"]
                .as_str()
                .unwrap()
                .contains("hello from the anthropic sdk")
        );
        assert!(v["usage"]["output_tokens"].as_u64().unwrap() > 0);

        h.mock
            .enqueue(Reply::text("streamed ✓ reply").with_chunk_bytes(4));
        let v = run_sdk(&py, "anthropic_sdk.py", &h.url, model, "stream").await;
        assert_eq!(v["content"][0]["text"], "streamed ✓ reply", "{model}: {v}");
        assert_eq!(v["stop_reason"], "end_turn");
        let events: Vec<_> = v["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap())
            .collect();
        assert_eq!(
            events.first(),
            Some(&"message_start"),
            "{model}: {events:?}"
        );
        assert_eq!(events.last(), Some(&"message_stop"), "{model}: {events:?}");
    }
}

#[tokio::test]
async fn anthropic_sdk_tools_on_both_providers() {
    let Some(py) = python() else { return };
    let h = Harness::start(TWO_PROVIDERS).await;
    for model in [ANTHROPIC_MODEL, OPENAI_MODEL] {
        h.mock
            .enqueue(Reply::tool_call("get_weather", json!({"city": "Rome"})));
        let v = run_sdk(&py, "anthropic_sdk.py", &h.url, model, "tools").await;
        assert_eq!(v["stop_reason"], "tool_use", "{model}: {v}");
        let tool = v["content"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["type"] == "tool_use")
            .unwrap()
            .clone();
        assert_eq!(tool["input"], json!({"city": "Rome"}));

        h.mock
            .enqueue(Reply::tool_call("get_weather", json!({"city": "Kyiv"})));
        let v = run_sdk(&py, "anthropic_sdk.py", &h.url, model, "tools_stream").await;
        assert_eq!(v["stop_reason"], "tool_use", "{model}: {v}");
        let tool = v["content"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["type"] == "tool_use")
            .unwrap()
            .clone();
        assert_eq!(tool["input"], json!({"city": "Kyiv"}));
    }
}

#[tokio::test]
async fn sdk_errors_arrive_in_each_sdks_own_shape() {
    let Some(py) = python() else { return };
    let h = Harness::start(TWO_PROVIDERS).await;
    let v = run_sdk(&py, "openai_sdk.py", &h.url, "missing/model", "bad_model").await;
    assert_eq!(v["status"], 400);
    assert_eq!(v["plano_error"], "model_not_found");
    assert!(v["message"].as_str().unwrap().contains("missing/model"));
    let v = run_sdk(
        &py,
        "anthropic_sdk.py",
        &h.url,
        "missing/model",
        "bad_model",
    )
    .await;
    assert_eq!(v["status"], 400);
    assert_eq!(v["body"]["type"], "error");
    assert_eq!(v["body"]["error"]["type"], "invalid_request_error");
}

/// One mock plays router and providers: the router sends greetings to the `quick` route.
const ROUTED: &str = r#"
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
    base_url: {mock}
    default: true
  - model: anthropic/claude-haiku-4-5
    access_key: $ANTHROPIC_API_KEY
    base_url: {mock}
  - model: plano/router-model
    base_url: {mock}
routing_preferences:
  - name: quick
    description: greetings and small talk
    models: [anthropic/claude-haiku-4-5]
"#;

#[tokio::test]
async fn both_sdks_through_preference_routing() {
    let Some(py) = python() else { return };
    let h = Harness::start(ROUTED).await;
    h.mock.serve_router("router-model", [("hello", "quick")]);
    let v = run_sdk(&py, "openai_sdk.py", &h.url, OPENAI_MODEL, "text").await;
    assert!(v["content"].as_str().unwrap().contains("hello"), "{v}");
    let v = run_sdk(&py, "openai_sdk.py", &h.url, OPENAI_MODEL, "stream").await;
    assert!(v["content"].as_str().unwrap().contains("hello"), "{v}");
    let v = run_sdk(&py, "anthropic_sdk.py", &h.url, OPENAI_MODEL, "text").await;
    let text = v["content"][0]["text"].as_str().unwrap_or_default();
    assert!(text.contains("hello"), "{v}");
    // Every SDK request was routed to the route's Anthropic model (each after its router call).
    let served: Vec<(String, String)> = h
        .mock
        .requests()
        .iter()
        .map(|r| {
            (
                r.path.clone(),
                r.json()["model"].as_str().unwrap_or_default().to_string(),
            )
        })
        .filter(|(_, m)| m != "router-model")
        .collect();
    let expected = ("/v1/messages".to_string(), "claude-haiku-4-5".to_string());
    assert_eq!(served, vec![expected.clone(), expected.clone(), expected]);
}
