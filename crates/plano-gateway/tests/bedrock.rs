//! Bedrock providers end to end: OpenAI and Anthropic clients, streaming and not, against a tiny
//! in-test Bedrock runtime that answers Converse JSON and ConverseStream event-stream bytes (sent in
//! small pieces, so messages arrive split across reads). Each test asserts what Bedrock received (path,
//! `Authorization`, body) and what the client got back. Also: error bodies, exceptions mid-stream, and
//! a `amazon_bedrock/*` wildcard expanded from the model catalog.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use common::{Harness, sse_events};
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response};
use plano_wire::bedrock::eventstream::{encode_event, encode_exception};
use serde_json::{Value, json};

/// What the fake Bedrock saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    authorization: Option<String>,
    body: Value,
}

/// A fake Bedrock runtime on 127.0.0.1. The model id in the path picks the answer: `bad-model` → a
/// 400 ValidationException, `throttled` → a stream cut by a throttlingException, anything else →
/// a normal answer (JSON for `/converse`, an event stream for `/converse-stream`).
struct FakeBedrock {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

type Body = BoxBody<Bytes, Infallible>;

impl FakeBedrock {
    async fn start() -> FakeBedrock {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let url = common::serve_fn(move |req| answer(req, log.clone())).await;
        FakeBedrock { url, seen }
    }

    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn answer(
    req: Request<Incoming>,
    log: Arc<Mutex<Vec<Seen>>>,
) -> Result<Response<Body>, Infallible> {
    let path = req.uri().path().to_string();
    let authorization = req
        .headers()
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = req.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    log.lock().unwrap().push(Seen {
        path: path.clone(),
        authorization,
        body,
    });

    if path.contains("bad-model") {
        let body = r#"{"message":"The provided model identifier is invalid."}"#;
        return Ok(Response::builder()
            .status(400)
            .header("content-type", "application/json")
            .header(
                "x-amzn-errortype",
                "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/",
            )
            .body(Full::new(Bytes::from(body)).boxed())
            .unwrap());
    }
    if path.ends_with("/converse") {
        let body = json!({
            "output": {"message": {"role": "assistant", "content": [{"text": "Hello from Bedrock."}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 11, "outputTokens": 4, "totalTokens": 15},
            "metrics": {"latencyMs": 12}
        });
        return Ok(Response::builder()
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_string())).boxed())
            .unwrap());
    }
    // ConverseStream: the wire bytes in 7-byte pieces, so every message spans several reads.
    let wire = event_stream(path.contains("throttled"));
    let pieces: Vec<Result<Frame<Bytes>, Infallible>> = wire
        .chunks(7)
        .map(|c| Ok(Frame::data(Bytes::copy_from_slice(c))))
        .collect();
    Ok(Response::builder()
        .header("content-type", "application/vnd.amazon.eventstream")
        .body(BodyExt::boxed(StreamBody::new(futures_util::stream::iter(
            pieces,
        ))))
        .unwrap())
}

fn event_stream(throttled: bool) -> Vec<u8> {
    let mut out = BytesMut::new();
    let mut event = |name: &str, payload: Value| {
        encode_event(&mut out, name, payload.to_string().as_bytes()).unwrap();
    };
    event("messageStart", json!({"role": "assistant", "p": "abcd"}));
    event(
        "contentBlockDelta",
        json!({"contentBlockIndex": 0, "delta": {"text": "Hel"}, "p": "ab"}),
    );
    event(
        "contentBlockDelta",
        json!({"contentBlockIndex": 0, "delta": {"text": "lo"}}),
    );
    if throttled {
        encode_exception(
            &mut out,
            "throttlingException",
            br#"{"message":"Too many tokens, please wait before trying again."}"#,
        )
        .unwrap();
        return out.to_vec();
    }
    event("contentBlockStop", json!({"contentBlockIndex": 0}));
    event(
        "contentBlockStart",
        json!({"contentBlockIndex": 1, "start": {"toolUse": {"toolUseId": "tooluse_1", "name": "weather"}}}),
    );
    event(
        "contentBlockDelta",
        json!({"contentBlockIndex": 1, "delta": {"toolUse": {"input": "{\"city\":"}}}),
    );
    event(
        "contentBlockDelta",
        json!({"contentBlockIndex": 1, "delta": {"toolUse": {"input": "\"Paris\"}"}}}),
    );
    event("contentBlockStop", json!({"contentBlockIndex": 1}));
    event("messageStop", json!({"stopReason": "tool_use"}));
    event(
        "metadata",
        json!({"usage": {"inputTokens": 20, "outputTokens": 9, "totalTokens": 129, "cacheReadInputTokens": 100}, "metrics": {"latencyMs": 30}}),
    );
    out.to_vec()
}

const CONFIG: &str = r#"
version: v0.4.0
listeners:
  - type: model
    name: model_listener
    port: 12000
model_providers:
  - model: amazon_bedrock/us.amazon.nova-pro-v1:0
    access_key: bedrock-api-key
    base_url: {bedrock}
    default: true
  - model: amazon_bedrock/throttled-model
    access_key: bedrock-api-key
    base_url: {bedrock}
  - model: amazon_bedrock/bad-model
    access_key: bedrock-api-key
    base_url: {bedrock}
  - model: amazon/*
    access_key: wildcard-key
    base_url: {bedrock}/custom/path
"#;

async fn start() -> (Harness, FakeBedrock) {
    let bedrock = FakeBedrock::start().await;
    let mock = plano_mock_llm::MockLlm::start().await.unwrap();
    let h = Harness::start_with(&CONFIG.replace("{bedrock}", &bedrock.url), mock).await;
    (h, bedrock)
}

fn chat(model: &str, stream: bool) -> Value {
    json!({
        "model": model,
        "stream": stream,
        "stream_options": {"include_usage": true},
        "max_tokens": 64,
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "hello"}
        ]
    })
}

fn messages(model: &str, stream: bool) -> Value {
    json!({
        "model": model,
        "stream": stream,
        "max_tokens": 64,
        "system": "be brief",
        "messages": [{"role": "user", "content": "hello"}]
    })
}

#[tokio::test]
async fn openai_client_converse() {
    let (h, bedrock) = start().await;
    let r = h
        .post("/v1/chat/completions")
        .header("authorization", "Bearer client-key")
        .json(&chat("amazon_bedrock/us.amazon.nova-pro-v1:0", false))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let sent = &bedrock.requests()[0];
    assert_eq!(sent.path, "/model/us.amazon.nova-pro-v1:0/converse");
    assert_eq!(
        sent.authorization.as_deref(),
        Some("Bearer bedrock-api-key")
    );
    assert!(sent.body.get("model").is_none(), "the model is in the path");
    assert_eq!(sent.body["system"], json!([{"text": "be brief"}]));
    assert_eq!(
        sent.body["messages"],
        json!([{"role": "user", "content": [{"text": "hello"}]}])
    );
    assert_eq!(sent.body["inferenceConfig"]["maxTokens"], 64);

    let v: Value = r.json().await.unwrap();
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["model"], "us.amazon.nova-pro-v1:0");
    assert_eq!(v["choices"][0]["message"]["content"], "Hello from Bedrock.");
    assert_eq!(v["choices"][0]["finish_reason"], "stop");
    assert_eq!(v["usage"]["prompt_tokens"], 11);
    assert_eq!(v["usage"]["completion_tokens"], 4);
}

#[tokio::test]
async fn openai_client_converse_stream() {
    let (h, bedrock) = start().await;
    let r = h.chat(&chat("us.amazon.nova-pro-v1:0", true)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    let text = r.text().await.unwrap();
    assert_eq!(
        bedrock.requests()[0].path,
        "/model/us.amazon.nova-pro-v1:0/converse-stream"
    );

    let events = sse_events(&text);
    assert_eq!(events.last().unwrap().1, "[DONE]");
    let chunks: Vec<Value> = events[..events.len() - 1]
        .iter()
        .map(|(_, d)| serde_json::from_str(d).unwrap())
        .collect();
    let content: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(content, "Hello");
    let args: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"].as_str())
        .collect();
    assert_eq!(args, r#"{"city":"Paris"}"#);
    let call = chunks
        .iter()
        .find_map(|c| c["choices"][0]["delta"]["tool_calls"][0]["id"].as_str())
        .unwrap();
    assert_eq!(call, "tooluse_1");
    let finish: Vec<_> = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["finish_reason"].as_str())
        .collect();
    assert_eq!(finish, ["tool_calls"]);
    let usage = &chunks.last().unwrap()["usage"];
    assert_eq!(usage["prompt_tokens"], 120);
    assert_eq!(usage["prompt_tokens_details"]["cached_tokens"], 100);
    assert_eq!(usage["completion_tokens"], 9);
}

#[tokio::test]
async fn anthropic_client_converse() {
    let (h, bedrock) = start().await;
    let r = h
        .post("/v1/messages")
        .header("x-api-key", "client-key")
        .header("anthropic-version", "2023-06-01")
        .json(&messages("amazon_bedrock/us.amazon.nova-pro-v1:0", false))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let sent = &bedrock.requests()[0];
    assert_eq!(sent.path, "/model/us.amazon.nova-pro-v1:0/converse");
    assert_eq!(
        sent.authorization.as_deref(),
        Some("Bearer bedrock-api-key")
    );
    assert_eq!(sent.body["system"], json!([{"text": "be brief"}]));

    let v: Value = r.json().await.unwrap();
    assert_eq!(v["type"], "message");
    assert_eq!(
        v["content"],
        json!([{"type": "text", "text": "Hello from Bedrock."}])
    );
    assert_eq!(v["stop_reason"], "end_turn");
    assert_eq!(v["usage"]["input_tokens"], 11);
}

#[tokio::test]
async fn anthropic_client_converse_stream() {
    let (h, bedrock) = start().await;
    let r = h
        .messages(&messages("amazon_bedrock/us.amazon.nova-pro-v1:0", true))
        .await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert_eq!(
        bedrock.requests()[0].path,
        "/model/us.amazon.nova-pro-v1:0/converse-stream"
    );
    let events = sse_events(&text);
    let names: Vec<&str> = events.iter().map(|(e, _)| e.as_deref().unwrap()).collect();
    assert_eq!(
        names,
        [
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    let tool: Value = serde_json::from_str(&events[5].1).unwrap();
    assert_eq!(tool["content_block"]["id"], "tooluse_1");
    let delta: Value = serde_json::from_str(&events[9].1).unwrap();
    assert_eq!(delta["delta"]["stop_reason"], "tool_use");
    assert_eq!(delta["usage"]["input_tokens"], 20);
    assert_eq!(delta["usage"]["cache_read_input_tokens"], 100);
}

#[tokio::test]
async fn exceptions_and_error_bodies_reach_clients_in_their_shape() {
    let (h, _bedrock) = start().await;
    // An exception mid-stream ends the client stream with an error event, never a clean end.
    let text = h
        .chat(&chat("amazon_bedrock/throttled-model", true))
        .await
        .text()
        .await
        .unwrap();
    let events = sse_events(&text);
    let last: Value = serde_json::from_str(&events.last().unwrap().1).unwrap();
    assert_eq!(last["error"]["type"], "rate_limit_error");
    assert!(!text.contains("[DONE]"));

    let text = h
        .messages(&messages("amazon_bedrock/throttled-model", true))
        .await
        .text()
        .await
        .unwrap();
    let (event, data) = sse_events(&text).pop().unwrap();
    assert_eq!(event.as_deref(), Some("error"));
    let v: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(v["error"]["type"], "rate_limit_error");

    // A Bedrock error body keeps its status and message, in the client's envelope.
    let r = h.chat(&chat("amazon_bedrock/bad-model", false)).await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["error"]["message"],
        "The provided model identifier is invalid."
    );
    let r = h
        .messages(&messages("amazon_bedrock/bad-model", true))
        .await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["type"], "error");
    assert_eq!(v["error"]["type"], "invalid_request_error");
}

#[tokio::test]
async fn bedrock_wildcard_expands_from_the_catalog() {
    let (h, bedrock) = start().await;
    let v: Value = h
        .get("/v1/models")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"amazon/us.amazon.nova-lite-v1:0"), "{ids:?}");
    assert!(ids.contains(&"amazon_bedrock/us.amazon.nova-pro-v1:0"));
    // Configured explicitly: not listed again under the wildcard.
    assert!(!ids.contains(&"amazon/us.amazon.nova-pro-v1:0"));

    // The short name resolves to the wildcard; the wildcard's base_url path is kept.
    let r = h.chat(&chat("us.amazon.nova-lite-v1:0", false)).await;
    assert_eq!(r.status(), 200);
    let sent = bedrock.requests().pop().unwrap();
    assert_eq!(
        sent.path,
        "/custom/path/model/us.amazon.nova-lite-v1:0/converse"
    );
    assert_eq!(sent.authorization.as_deref(), Some("Bearer wildcard-key"));
}
