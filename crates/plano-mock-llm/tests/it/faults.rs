//! Fault injection: errors with Retry-After, delays, mid-stream cuts, odd chunking,
//! malformed output, raw bytes, unknown paths.

use std::time::{Duration, Instant};

use plano_mock_llm::{MockLlm, Reply, default_reply_text};
use serde_json::Value;

use crate::{anthropic_request, client, frames, json_of, openai_request, parse_sse, post};

#[tokio::test]
async fn openai_429_with_retry_after() {
    let mock = MockLlm::start().await.unwrap();
    mock.enqueue(Reply::error(429).with_retry_after("2"));
    let c = client();
    let url = mock.url("/v1/chat/completions");
    let resp = post(&c, &url, &openai_request("a", true), &[]).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "2");
    let v = json_of(resp).await;
    assert_eq!(v["error"]["code"], "rate_limit_exceeded");
    assert!(v["error"]["param"].is_null());
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("gpt-4o-mini")
    );
    // The queue is drained: the next request gets the default again.
    assert_eq!(
        post(&c, &url, &openai_request("a", false), &[])
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn custom_error_message_and_type() {
    let mock = MockLlm::start().await.unwrap();
    mock.enqueue(
        Reply::error_message(429, "You exceeded your current quota")
            .with_error_type("insufficient_quota")
            .with_error_code("insufficient_quota"),
    );
    let v = json_of(
        post(
            &client(),
            &mock.url("/v1/chat/completions"),
            &openai_request("a", false),
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(v["error"]["message"], "You exceeded your current quota");
    assert_eq!(v["error"]["type"], "insufficient_quota");
    assert_eq!(v["error"]["code"], "insufficient_quota");
}

async fn assert_cut_after(
    mock: &MockLlm,
    client: &reqwest::Client,
    headers: &[(&str, &str)],
    n: usize,
) {
    let resp = post(
        client,
        &mock.url("/v1/messages"),
        &anthropic_request("cut me", true),
        headers,
    )
    .await;
    assert_eq!(resp.status(), 200);
    let (frames, broken) = frames(resp).await;
    assert!(
        broken,
        "a cut must surface as a body error, not a clean end"
    );
    let events = parse_sse(&String::from_utf8(frames.concat()).unwrap());
    assert_eq!(events.len(), n);
    assert_eq!(events.last().unwrap().event.as_deref(), Some("ping"));
}

#[tokio::test]
async fn mid_stream_cut_is_a_body_error() {
    let mock = MockLlm::start().await.unwrap();
    let c = client();
    mock.enqueue(Reply::echo().with_cut_after_events(3));
    assert_cut_after(&mock, &c, &[], 3).await;
    // Same through the header, with pacing, and over h2c (a stream reset there).
    assert_cut_after(
        &mock,
        &c,
        &[
            ("x-mock-cut-after-events", "3"),
            ("x-mock-chunk-delay-ms", "2"),
        ],
        3,
    )
    .await;
    let h2 = crate::h2_client();
    assert_cut_after(&mock, &h2, &[("x-mock-cut-after-events", "3")], 3).await;
    // The mock still serves after breaking connections.
    assert_eq!(
        post(
            &c,
            &mock.url("/v1/messages"),
            &anthropic_request("a", false),
            &[]
        )
        .await
        .status(),
        200
    );
}

#[tokio::test]
async fn non_stream_cut_breaks_the_json_body() {
    let mock = MockLlm::start().await.unwrap();
    let resp = post(
        &client(),
        &mock.url("/v1/chat/completions"),
        &openai_request("a", false),
        &[("x-mock-cut-after-events", "0")],
    )
    .await;
    let (frames, broken) = frames(resp).await;
    assert!(broken);
    assert!(serde_json::from_slice::<Value>(&frames.concat()).is_err());
}

/// Drop the per-request fields so two streams can be compared.
fn normalized(text: &str) -> Vec<Value> {
    parse_sse(text)
        .iter()
        .map(|e| match serde_json::from_str::<Value>(&e.data) {
            Ok(mut v) => {
                if let Some(o) = v.as_object_mut() {
                    o.remove("id");
                    o.remove("created");
                }
                v
            }
            Err(_) => Value::String(e.data.clone()),
        })
        .collect()
}

#[tokio::test]
async fn chunk_splitting_reassembles_and_splits_utf8() {
    let mock = MockLlm::start().await.unwrap();
    let c = client();
    let url = mock.url("/v1/chat/completions");
    let reference = post(&c, &url, &openai_request("héllo", true), &[])
        .await
        .text()
        .await
        .unwrap();
    for k in ["1", "3", "7"] {
        let resp = post(
            &c,
            &url,
            &openai_request("héllo", true),
            &[("x-mock-chunk-bytes", k)],
        )
        .await;
        let (frames, broken) = frames(resp).await;
        assert!(!broken);
        let k: usize = k.parse().unwrap();
        assert!(frames.len() > 10);
        assert!(
            frames.iter().all(|f| f.len() <= k),
            "frames are at most {k} bytes"
        );
        if k > 1 {
            assert!(
                frames.iter().any(|f| std::str::from_utf8(f).is_err()),
                "some {k}-byte piece splits a multi-byte character"
            );
        }
        let whole = String::from_utf8(frames.concat()).unwrap();
        assert_eq!(normalized(&whole), normalized(&reference));
    }
    // The same for Anthropic via the builder.
    mock.enqueue(Reply::echo().with_chunk_bytes(5));
    let resp = post(
        &c,
        &mock.url("/v1/messages"),
        &anthropic_request("z", true),
        &[],
    )
    .await;
    let (frames, _) = frames(resp).await;
    let text: String = parse_sse(&String::from_utf8(frames.concat()).unwrap())
        .iter()
        .filter(|e| e.event.as_deref() == Some("content_block_delta"))
        .map(|e| e.json()["delta"]["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(text, default_reply_text("z"));
}

#[tokio::test]
async fn delays_before_headers_and_between_events() {
    let mock = MockLlm::start().await.unwrap();
    let c = client();
    let t = Instant::now();
    let resp = post(
        &c,
        &mock.url("/v1/chat/completions"),
        &openai_request("a", false),
        &[("x-mock-delay-ms", "80")],
    )
    .await;
    assert!(t.elapsed() >= Duration::from_millis(80));
    assert_eq!(resp.status(), 200);

    mock.enqueue(Reply::text("a b c").with_chunk_delay(Duration::from_millis(15)));
    let t = Instant::now();
    let resp = post(
        &c,
        &mock.url("/v1/chat/completions"),
        &openai_request("a", true),
        &[],
    )
    .await;
    let headers_at = t.elapsed();
    let (frames, _) = frames(resp).await;
    // role, 3 content, finish, [DONE]: 5 gaps of 15 ms after the headers.
    assert_eq!(frames.len(), 6);
    assert!(t.elapsed() - headers_at >= Duration::from_millis(70));
}

#[tokio::test]
async fn malformed_outputs_and_raw() {
    let mock = MockLlm::start().await.unwrap();
    let c = client();
    let url = mock.url("/v1/chat/completions");

    mock.enqueue(Reply::malformed_json());
    let resp = post(&c, &url, &openai_request("a", false), &[]).await;
    assert_eq!(resp.status(), 200);
    let body = resp.bytes().await.unwrap();
    assert!(body.starts_with(b"{\"id\":\"chatcmpl-"));
    assert!(serde_json::from_slice::<Value>(&body).is_err());

    mock.enqueue(Reply::malformed_sse().with_sse_garbage_line_at(2));
    let text = post(&c, &url, &openai_request("a", true), &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("<<garbage line, not sse>>\n"));
    let events = parse_sse(&text);
    assert!(
        events
            .iter()
            .any(|e| e.data != "[DONE]" && serde_json::from_str::<Value>(&e.data).is_err())
    );
    assert_eq!(events.last().unwrap().data, "[DONE]");

    // Anthropic gets its own event shape with the truncated JSON.
    mock.enqueue(Reply::malformed_sse());
    let text = post(
        &c,
        &mock.url("/v1/messages"),
        &anthropic_request("a", true),
        &[],
    )
    .await
    .text()
    .await
    .unwrap();
    let events = parse_sse(&text);
    assert_eq!(events[1].event.as_deref(), Some("content_block_delta"));
    assert!(serde_json::from_str::<Value>(&events[1].data).is_err());
    assert_eq!(
        events.last().unwrap().event.as_deref(),
        Some("message_stop")
    );

    mock.enqueue(Reply::raw(502, "text/html", "<html>bad gateway</html>"));
    let resp = post(&c, &url, &openai_request("a", false), &[]).await;
    assert_eq!(resp.status(), 502);
    assert_eq!(resp.headers()["content-type"], "text/html");
    assert_eq!(resp.text().await.unwrap(), "<html>bad gateway</html>");
}

#[tokio::test]
async fn unknown_path_is_404_json() {
    let mock = MockLlm::start().await.unwrap();
    let resp = client().get(mock.url("/v1/models")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    let v = json_of(resp).await;
    assert_eq!(v["error"]["code"], "unknown_url");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("GET /v1/models")
    );
}
