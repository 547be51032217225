//! OpenAI Chat Completions: default JSON and SSE, scripted tool calls, reasoning, usage.

use plano_mock_llm::{Finish, MockLlm, Reply, ToolCall, Usage, default_reply_text};
use serde_json::{Value, json};

use crate::{client, frames, json_of, openai_request, parse_sse, post};

#[tokio::test]
async fn default_non_stream() {
    let mock = MockLlm::start().await.unwrap();
    let resp = post(
        &client(),
        &mock.url("/v1/chat/completions"),
        &openai_request("hello there", false),
        &[],
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    assert!(
        resp.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .starts_with("req_")
    );
    let v = json_of(resp).await;
    assert!(v["id"].as_str().unwrap().starts_with("chatcmpl-"));
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["model"], "gpt-4o-mini");
    assert!(v["created"].as_u64().unwrap() > 1_700_000_000);
    let choice = &v["choices"][0];
    assert_eq!(choice["message"]["role"], "assistant");
    assert_eq!(
        choice["message"]["content"],
        default_reply_text("hello there")
    );
    assert_eq!(choice["finish_reason"], "stop");
    let u = &v["usage"];
    assert!(u["prompt_tokens"].as_u64().unwrap() > 0);
    assert_eq!(
        u["total_tokens"].as_u64().unwrap(),
        u["prompt_tokens"].as_u64().unwrap() + u["completion_tokens"].as_u64().unwrap()
    );
    assert_eq!(u["prompt_tokens_details"]["cached_tokens"], 0);
}

/// Content deltas of a chat.completion.chunk stream, concatenated.
fn content_of(events: &[crate::Event]) -> String {
    events
        .iter()
        .filter(|e| e.data != "[DONE]")
        .filter_map(|e| {
            e.json()["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn default_stream_with_usage() {
    let mock = MockLlm::start().await.unwrap();
    let mut body = openai_request("stream please", true);
    body["stream_options"] = json!({"include_usage": true});
    let resp = post(
        &client(),
        &mock.url("/openai/v1/chat/completions"),
        &body,
        &[],
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"],
        "text/event-stream; charset=utf-8"
    );
    let text = resp.text().await.unwrap();
    let events = parse_sse(&text);
    assert!(events.iter().all(|e| e.event.is_none()));
    assert_eq!(events.last().unwrap().data, "[DONE]");
    let chunks: Vec<Value> = events[..events.len() - 1]
        .iter()
        .map(|e| e.json())
        .collect();
    let id = chunks[0]["id"].as_str().unwrap();
    assert!(
        chunks
            .iter()
            .all(|c| c["id"] == id && c["object"] == "chat.completion.chunk")
    );
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(content_of(&events), default_reply_text("stream please"));

    // Usage: null on every chunk but the last, which has no choices.
    let (last, rest) = chunks.split_last().unwrap();
    assert!(
        rest.iter()
            .all(|c| c["usage"].is_null() && c.get("usage").is_some())
    );
    assert_eq!(last["choices"], json!([]));
    assert!(last["usage"]["completion_tokens"].as_u64().unwrap() > 0);
    let finish = &rest.last().unwrap()["choices"][0];
    assert_eq!(finish["finish_reason"], "stop");
    assert_eq!(finish["delta"], json!({}));
}

#[tokio::test]
async fn stream_without_usage_has_no_usage_field() {
    let mock = MockLlm::start().await.unwrap();
    let resp = post(
        &client(),
        &mock.url("/v1/chat/completions"),
        &openai_request("x", true),
        &[],
    )
    .await;
    let events = parse_sse(&resp.text().await.unwrap());
    assert!(
        events[..events.len() - 1]
            .iter()
            .all(|e| e.json().get("usage").is_none())
    );
}

#[tokio::test]
async fn scripted_tool_calls_json_and_stream() {
    let mock = MockLlm::start().await.unwrap();
    let calls = [
        ToolCall::new("get_weather", json!({"city": "Zürich", "unit": "c"})).with_id("call_1"),
        ToolCall::new("get_time", json!({"tz": "Europe/Zurich"})),
    ];
    mock.enqueue(Reply::tool_calls(calls.clone()));
    mock.enqueue(Reply::tool_calls(calls.clone()));
    let c = client();
    let url = mock.url("/v1/chat/completions");

    let v = json_of(post(&c, &url, &openai_request("weather?", false), &[]).await).await;
    let msg = &v["choices"][0]["message"];
    assert!(msg["content"].is_null());
    assert_eq!(msg["tool_calls"][0]["id"], "call_1");
    assert!(
        msg["tool_calls"][1]["id"]
            .as_str()
            .unwrap()
            .starts_with("call_")
    );
    assert_eq!(msg["tool_calls"][0]["type"], "function");
    assert_eq!(msg["tool_calls"][0]["function"]["name"], "get_weather");
    let args: Value = serde_json::from_str(
        msg["tool_calls"][0]["function"]["arguments"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(args, calls[0].arguments);
    assert_eq!(v["choices"][0]["finish_reason"], "tool_calls");

    let events = parse_sse(
        &post(&c, &url, &openai_request("weather?", true), &[])
            .await
            .text()
            .await
            .unwrap(),
    );
    let mut names = vec![String::new(); 2];
    let mut args = vec![String::new(); 2];
    for e in events.iter().filter(|e| e.data != "[DONE]") {
        let v = e.json();
        for tc in v["choices"][0]["delta"]["tool_calls"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let i = tc["index"].as_u64().unwrap() as usize;
            if let Some(n) = tc["function"]["name"].as_str() {
                names[i].push_str(n);
            }
            args[i].push_str(tc["function"]["arguments"].as_str().unwrap_or(""));
        }
    }
    assert_eq!(names, ["get_weather", "get_time"]);
    for (a, call) in args.iter().zip(&calls) {
        assert_eq!(serde_json::from_str::<Value>(a).unwrap(), call.arguments);
    }
    let first = events[0].json();
    assert_eq!(first["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(
        first["choices"][0]["delta"]["tool_calls"][0]["id"],
        "call_1"
    );
    assert_eq!(mock.pending_replies(), 0);
}

#[tokio::test]
async fn reasoning_usage_and_finish() {
    let mock = MockLlm::start().await.unwrap();
    mock.enqueue(
        Reply::thinking("let me think", "42")
            .with_usage(Usage::new(100, 7).with_cached(60).with_reasoning(3))
            .with_finish(Finish::Length)
            .with_model("gpt-4.1-2025-04-14"),
    );
    let v = json_of(
        post(
            &client(),
            &mock.url("/v1/chat/completions"),
            &openai_request("q", false),
            &[],
        )
        .await,
    )
    .await;
    let msg = &v["choices"][0]["message"];
    assert_eq!(msg["reasoning_content"], "let me think");
    assert_eq!(msg["content"], "42");
    assert_eq!(v["choices"][0]["finish_reason"], "length");
    assert_eq!(v["model"], "gpt-4.1-2025-04-14");
    assert_eq!(v["usage"]["prompt_tokens"], 100);
    assert_eq!(v["usage"]["completion_tokens"], 7);
    assert_eq!(v["usage"]["total_tokens"], 107);
    assert_eq!(v["usage"]["prompt_tokens_details"]["cached_tokens"], 60);
    assert_eq!(
        v["usage"]["completion_tokens_details"]["reasoning_tokens"],
        3
    );
}

#[tokio::test]
async fn stream_chunks_header_sets_event_count_and_h2c_works() {
    let mock = MockLlm::start().await.unwrap();
    let h2 = crate::h2_client();
    let resp = post(
        &h2,
        &mock.url("/v1/chat/completions"),
        &openai_request("x", true),
        &[("x-mock-stream-chunks", "20")],
    )
    .await;
    assert_eq!(resp.version(), reqwest::Version::HTTP_2);
    let (frames, broken) = frames(resp).await;
    assert!(!broken);
    let events = parse_sse(&String::from_utf8(frames.concat()).unwrap());
    let content_events = events
        .iter()
        .filter(|e| e.data != "[DONE]")
        .filter(|e| {
            e.json()["choices"][0]["delta"]["content"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        })
        .count();
    assert_eq!(content_events, 20);
}
