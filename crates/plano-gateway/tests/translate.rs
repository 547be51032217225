//! Cross-API requests: an OpenAI client on an Anthropic provider and an Anthropic client on an
//! OpenAI provider, streaming and not, tools included. Each test asserts what the provider
//! received (URL, headers, body) and what the client got back.

mod common;

use common::{Harness, TWO_PROVIDERS, sse_events};
use plano_mock_llm::{Reply, ToolCall};
use serde_json::{Value, json};

#[tokio::test]
async fn openai_client_to_anthropic_provider() {
    let h = Harness::start(TWO_PROVIDERS).await;
    let r = h
        .post("/v1/chat/completions")
        .header("authorization", "Bearer client")
        .json(&json!({
            "model": "anthropic/claude-sonnet-4-5",
            "messages": [
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "hello"}
            ],
            "stop": ["END"],
            "temperature": 0.3
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let sent = &h.mock.requests()[0];
    assert_eq!(sent.path, "/v1/messages");
    assert_eq!(sent.header("x-api-key"), Some("sk-ant-test"));
    assert_eq!(sent.header("anthropic-version"), Some("2023-06-01"));
    assert!(sent.header("authorization").is_none());
    let body = sent.json();
    assert_eq!(body["model"], "claude-sonnet-4-5");
    assert_eq!(body["system"], "be brief");
    assert_eq!(body["messages"][0]["role"], "user");
    assert_eq!(body["stop_sequences"], json!(["END"]));
    assert!(
        body["max_tokens"].as_u64().unwrap() > 0,
        "Anthropic needs max_tokens"
    );

    let v: Value = r.json().await.unwrap();
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["choices"][0]["message"]["role"], "assistant");
    assert!(
        v["choices"][0]["message"]["content"]
            .as_str()
            .unwrap()
            .contains("hello")
    );
    assert_eq!(v["choices"][0]["finish_reason"], "stop");
    assert!(v["usage"]["prompt_tokens"].as_u64().is_some());
}

#[tokio::test]
async fn anthropic_client_to_openai_provider_with_tools() {
    let h = Harness::start(TWO_PROVIDERS).await;
    h.mock
        .enqueue(Reply::tool_call("get_weather", json!({"city": "Paris"})));
    let r = h.messages(&json!({
            "model": "openai/gpt-4o",
            "max_tokens": 100,
            "system": "use tools",
            "messages": [{"role": "user", "content": "weather in Paris?"}],
            "tools": [{"name": "get_weather", "description": "d", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}]
        })).await;
    assert_eq!(r.status(), 200);
    let sent = &h.mock.requests()[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.header("authorization"), Some("Bearer sk-openai-test"));
    let body = sent.json();
    assert_eq!(body["model"], "gpt-4o");
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "use tools"})
    );
    assert_eq!(body["tools"][0]["type"], "function");
    assert_eq!(body["tools"][0]["function"]["name"], "get_weather");

    let v: Value = r.json().await.unwrap();
    assert_eq!(v["type"], "message");
    assert_eq!(v["stop_reason"], "tool_use");
    let tool = v["content"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "tool_use")
        .unwrap();
    assert_eq!(tool["name"], "get_weather");
    assert_eq!(tool["input"], json!({"city": "Paris"}));
}

#[tokio::test]
async fn anthropic_stream_to_openai_client() {
    let h = Harness::start(TWO_PROVIDERS).await;
    h.mock
        .enqueue(Reply::text("héllo 世界 🎉 streaming").with_chunk_bytes(3));
    let r = h
        .chat(&json!({
            "model": "claude-sonnet-4-5",
            "stream": true,
            "stream_options": {"include_usage": true},
            "messages": [{"role": "user", "content": "x"}]
        }))
        .await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let events = sse_events(&text);
    assert_eq!(events.last().unwrap().1, "[DONE]");
    let chunks: Vec<Value> = events
        .iter()
        .filter(|e| e.1 != "[DONE]")
        .map(|e| serde_json::from_str(&e.1).unwrap())
        .collect();
    let content: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(content, "héllo 世界 🎉 streaming");
    let finishes: Vec<_> = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["finish_reason"].as_str())
        .collect();
    assert_eq!(finishes, vec!["stop"]);
    assert!(
        chunks
            .iter()
            .any(|c| c["usage"]["completion_tokens"].as_u64().is_some())
    );
    assert!(h.mock.requests()[0].json()["stream"].as_bool().unwrap());
}

#[tokio::test]
async fn openai_stream_with_tool_calls_to_anthropic_client() {
    let h = Harness::start(TWO_PROVIDERS).await;
    h.mock.enqueue(Reply::tool_calls([
        ToolCall::new("a", json!({"x": 1})).with_id("call_1"),
        ToolCall::new("b", json!({"y": "two"})).with_id("call_2"),
    ]));
    let r = h
        .messages(&json!({
            "model": "gpt-4o",
            "max_tokens": 100,
            "stream": true,
            "messages": [{"role": "user", "content": "x"}],
            "tools": [
                {"name": "a", "input_schema": {"type": "object"}},
                {"name": "b", "input_schema": {"type": "object"}}
            ]
        }))
        .await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let events = sse_events(&text);
    let names: Vec<_> = events.iter().filter_map(|e| e.0.clone()).collect();
    assert_eq!(names.first().map(String::as_str), Some("message_start"));
    assert_eq!(names.last().map(String::as_str), Some("message_stop"));
    let starts: Vec<Value> = events
        .iter()
        .filter(|e| e.0.as_deref() == Some("content_block_start"))
        .map(|e| serde_json::from_str(&e.1).unwrap())
        .collect();
    let tool_ids: Vec<_> = starts
        .iter()
        .filter(|s| s["content_block"]["type"] == "tool_use")
        .map(|s| s["content_block"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(tool_ids, vec!["call_1", "call_2"]);
    let stops = names.iter().filter(|n| *n == "content_block_stop").count();
    assert_eq!(stops, starts.len(), "every opened block is closed");
    let delta: Value = events
        .iter()
        .find(|e| e.0.as_deref() == Some("message_delta"))
        .map(|e| serde_json::from_str(&e.1).unwrap())
        .unwrap();
    assert_eq!(delta["delta"]["stop_reason"], "tool_use");
    // The OpenAI upstream was asked for usage so the Anthropic client gets it.
    assert_eq!(
        h.mock.requests()[0].json()["stream_options"]["include_usage"],
        true
    );
}

#[tokio::test]
async fn provider_error_is_translated_into_the_client_shape() {
    let h = Harness::start(TWO_PROVIDERS).await;
    h.mock
        .enqueue(Reply::error_message(429, "too many requests, calm down").with_retry_after("3"));
    let r = h.messages(&json!({"model": "gpt-4o", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]})).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "3");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["type"], "error");
    assert_eq!(v["error"]["type"], "rate_limit_error");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("calm down")
    );
}

#[tokio::test]
async fn translated_stream_cut_ends_with_an_openai_error_event() {
    let h = Harness::start(TWO_PROVIDERS).await;
    h.mock
        .enqueue(Reply::text("a b c d e f g").with_cut_after_events(3));
    let r = h.chat(&json!({"model": "claude-sonnet-4-5", "stream": true, "messages": [{"role": "user", "content": "x"}]})).await;
    let text = r.text().await.unwrap();
    let events = sse_events(&text);
    let last: Value = serde_json::from_str(&events.last().unwrap().1).unwrap();
    assert!(
        last["error"]["message"].is_string(),
        "ends with an error event: {text}"
    );
    assert!(!text.contains("[DONE]"), "a failed stream is not completed");
}

#[tokio::test]
async fn request_shape_follows_the_provider_and_model() {
    let yaml = r#"
version: v0.4.0
listeners:
  - type: model
    name: m
    port: 12000
model_providers:
  - model: openai/gpt-4o
    access_key: k
    base_url: {mock}
  - model: openai/o3-mini
    access_key: k
    base_url: {mock}
  - model: vllm/llama-3
    base_url: {mock}/v1
    provider_interface: openai
"#;
    let h = Harness::start(yaml).await;
    let body = |model: &str| {
        json!({
            "model": model,
            "max_tokens": 2000,
            "thinking": {"type": "enabled", "budget_tokens": 1024},
            "messages": [{"role": "user", "content": "x"}]
        })
    };
    for model in ["openai/gpt-4o", "openai/o3-mini", "vllm/llama-3"] {
        let r = h.messages(&body(model)).await;
        assert_eq!(r.status(), 200, "{model}");
    }
    let sent: Vec<Value> = h.mock.requests().iter().map(|r| r.json()).collect();
    // gpt-4o is not a reasoning model: `thinking` is dropped rather than rejected upstream.
    assert!(sent[0].get("reasoning_effort").is_none(), "{}", sent[0]);
    assert_eq!(sent[0]["max_completion_tokens"], 2000);
    assert_eq!(sent[1]["reasoning_effort"], "low");
    // An OpenAI-compatible server gets the widely understood `max_tokens`, under its own path.
    assert_eq!(sent[2]["max_tokens"], 2000);
    assert!(sent[2].get("max_completion_tokens").is_none());
    assert_eq!(h.mock.requests()[2].path, "/v1/chat/completions");
}
