//! Anthropic Messages: default JSON and event stream, thinking, tool use, errors.

use plano_mock_llm::{Finish, MockLlm, Reply, ToolCall, Usage, default_reply_text};
use serde_json::{Value, json};

use crate::{anthropic_request, client, json_of, parse_sse, post};

#[tokio::test]
async fn default_non_stream() {
    let mock = MockLlm::start().await.unwrap();
    let resp = post(
        &client(),
        &mock.url("/anthropic/v1/messages"),
        &anthropic_request("bonjour", false),
        &[("x-api-key", "sk-ant"), ("anthropic-version", "2023-06-01")],
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["request-id"]
            .to_str()
            .unwrap()
            .starts_with("req_")
    );
    let v = json_of(resp).await;
    assert!(v["id"].as_str().unwrap().starts_with("msg_01"));
    assert_eq!(v["type"], "message");
    assert_eq!(v["role"], "assistant");
    assert_eq!(v["model"], "claude-sonnet-4-5");
    assert_eq!(
        v["content"],
        json!([{"type": "text", "text": default_reply_text("bonjour")}])
    );
    assert_eq!(v["stop_reason"], "end_turn");
    assert!(v["stop_sequence"].is_null());
    assert!(v["usage"]["input_tokens"].as_u64().unwrap() > 0);
    assert!(v["usage"]["output_tokens"].as_u64().unwrap() > 0);
    assert_eq!(v["usage"]["cache_read_input_tokens"], 0);
}

fn names(events: &[crate::Event]) -> Vec<&str> {
    events.iter().map(|e| e.event.as_deref().unwrap()).collect()
}

#[tokio::test]
async fn default_stream_event_order() {
    let mock = MockLlm::start().await.unwrap();
    let resp = post(
        &client(),
        &mock.url("/v1/messages"),
        &anthropic_request("hi", true),
        &[],
    )
    .await;
    assert_eq!(
        resp.headers()["content-type"],
        "text/event-stream; charset=utf-8"
    );
    let events = parse_sse(&resp.text().await.unwrap());
    for e in &events {
        assert_eq!(
            e.json()["type"],
            e.event.as_deref().unwrap(),
            "event name matches data.type"
        );
    }
    let n = names(&events);
    assert_eq!(&n[..3], ["message_start", "content_block_start", "ping"]);
    assert_eq!(
        &n[n.len() - 3..],
        ["content_block_stop", "message_delta", "message_stop"]
    );
    assert!(
        n[3..n.len() - 3]
            .iter()
            .all(|&x| x == "content_block_delta")
    );

    let start = events[0].json();
    assert!(
        start["message"]["id"]
            .as_str()
            .unwrap()
            .starts_with("msg_01")
    );
    assert_eq!(start["message"]["content"], json!([]));
    assert!(start["message"]["stop_reason"].is_null());
    let text: String = events
        .iter()
        .filter(|e| e.event.as_deref() == Some("content_block_delta"))
        .map(|e| {
            let d = e.json()["delta"].clone();
            assert_eq!(d["type"], "text_delta");
            d["text"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(text, default_reply_text("hi"));
    let delta = events[events.len() - 2].json();
    assert_eq!(delta["delta"]["stop_reason"], "end_turn");
    assert!(delta["usage"]["output_tokens"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn thinking_then_text_then_tools_stream() {
    let mock = MockLlm::start().await.unwrap();
    let args = json!({"query": "rust 🦀", "limit": 3});
    mock.enqueue(
        Reply::thinking("pondering deeply", "Let me search.")
            .with_tool_call(ToolCall::new("search", args.clone()))
            .with_usage(Usage::new(50, 20).with_cached(40).with_cache_creation(5)),
    );
    let resp = post(
        &client(),
        &mock.url("/v1/messages"),
        &anthropic_request("go", true),
        &[],
    )
    .await;
    let events = parse_sse(&resp.text().await.unwrap());
    let start = events[0].json();
    assert_eq!(start["message"]["usage"]["input_tokens"], 50);
    assert_eq!(start["message"]["usage"]["cache_read_input_tokens"], 40);
    assert_eq!(start["message"]["usage"]["cache_creation_input_tokens"], 5);

    let mut blocks: Vec<(String, String)> = Vec::new(); // (type, accumulated)
    let mut signature = false;
    for e in &events {
        let v = e.json();
        match e.event.as_deref().unwrap() {
            "content_block_start" => {
                assert_eq!(v["index"].as_u64().unwrap() as usize, blocks.len());
                blocks.push((
                    v["content_block"]["type"].as_str().unwrap().to_owned(),
                    String::new(),
                ));
            }
            "content_block_delta" => {
                let d = &v["delta"];
                let acc = &mut blocks[v["index"].as_u64().unwrap() as usize].1;
                match d["type"].as_str().unwrap() {
                    "thinking_delta" => acc.push_str(d["thinking"].as_str().unwrap()),
                    "text_delta" => acc.push_str(d["text"].as_str().unwrap()),
                    "input_json_delta" => acc.push_str(d["partial_json"].as_str().unwrap()),
                    "signature_delta" => signature = !d["signature"].as_str().unwrap().is_empty(),
                    other => panic!("unexpected delta {other}"),
                }
            }
            _ => {}
        }
    }
    assert!(signature);
    assert_eq!(blocks[0], ("thinking".into(), "pondering deeply".into()));
    assert_eq!(blocks[1], ("text".into(), "Let me search.".into()));
    assert_eq!(blocks[2].0, "tool_use");
    assert_eq!(serde_json::from_str::<Value>(&blocks[2].1).unwrap(), args);
    let delta = events[events.len() - 2].json();
    assert_eq!(delta["delta"]["stop_reason"], "tool_use");
    assert_eq!(delta["usage"]["output_tokens"], 20);
}

#[tokio::test]
async fn tool_use_and_stop_sequence_json() {
    let mock = MockLlm::start().await.unwrap();
    mock.enqueue(Reply::tool_call("lookup", json!({"id": 7})));
    mock.enqueue(Reply::text("done").with_finish(Finish::StopSequence("###".into())));
    let c = client();
    let url = mock.url("/v1/messages");
    let v = json_of(post(&c, &url, &anthropic_request("a", false), &[]).await).await;
    assert_eq!(v["content"][0]["type"], "tool_use");
    assert!(
        v["content"][0]["id"]
            .as_str()
            .unwrap()
            .starts_with("toolu_01")
    );
    assert_eq!(v["content"][0]["input"], json!({"id": 7}));
    assert_eq!(v["stop_reason"], "tool_use");
    let v = json_of(post(&c, &url, &anthropic_request("b", false), &[]).await).await;
    assert_eq!(v["stop_reason"], "stop_sequence");
    assert_eq!(v["stop_sequence"], "###");
}

#[tokio::test]
async fn error_shape_from_headers_with_http_date_retry_after() {
    let mock = MockLlm::start().await.unwrap();
    let date = "Wed, 21 Oct 2015 07:28:00 GMT";
    let resp = post(
        &client(),
        &mock.url("/v1/messages"),
        &anthropic_request("a", true),
        &[("x-mock-status", "529"), ("x-mock-retry-after", date)],
    )
    .await;
    assert_eq!(resp.status().as_u16(), 529);
    assert_eq!(resp.headers()["retry-after"], date);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let v = json_of(resp).await;
    assert_eq!(v["type"], "error");
    assert_eq!(v["error"]["type"], "overloaded_error");
    assert_eq!(v["error"]["message"], "Overloaded");
    assert!(v["request_id"].as_str().unwrap().starts_with("req_"));
}

#[tokio::test]
async fn error_event_mid_stream() {
    let mock = MockLlm::start().await.unwrap();
    mock.enqueue(Reply::echo().with_error_event_after(4, 529));
    let resp = post(
        &client(),
        &mock.url("/v1/messages"),
        &anthropic_request("a", true),
        &[],
    )
    .await;
    assert_eq!(resp.status(), 200);
    let events = parse_sse(&resp.text().await.unwrap());
    assert_eq!(events.len(), 5);
    let last = events.last().unwrap();
    assert_eq!(last.event.as_deref(), Some("error"));
    assert_eq!(last.json()["error"]["type"], "overloaded_error");
}
