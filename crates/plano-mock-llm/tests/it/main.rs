//! Integration tests: a real mock on a real socket, driven by reqwest over plain HTTP.
//! One test binary (modules below) keeps link time down on the shared 2-core box.

// Test code: a failed unwrap is a failed test. clippy.toml's allow-*-in-tests only covers
// `#[test]` fns, not the helpers shared between them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod anthropic;
mod binary;
mod faults;
mod openai;
mod recording;

use bytes::Bytes;
use futures_util::StreamExt;
use serde_json::Value;

/// Install the TLS crypto provider reqwest insists on, even for plain http.
pub fn init_tls() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

pub fn client() -> reqwest::Client {
    init_tls();
    reqwest::Client::builder().build().unwrap()
}

pub fn h2_client() -> reqwest::Client {
    init_tls();
    reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap()
}

/// POST a JSON body; returns the response.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    body: &Value,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = client
        .post(url)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

pub async fn json_of(resp: reqwest::Response) -> Value {
    serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap()
}

/// Every body frame as received, and whether the body ended in an error.
pub async fn frames(resp: reqwest::Response) -> (Vec<Bytes>, bool) {
    let mut stream = resp.bytes_stream();
    let mut out = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(b) => out.push(b),
            Err(_) => return (out, true),
        }
    }
    (out, false)
}

/// One parsed SSE event.
#[derive(Debug, Clone)]
pub struct Event {
    pub event: Option<String>,
    pub data: String,
}

impl Event {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap_or_else(|e| panic!("bad json {:?}: {e}", self.data))
    }
}

/// Minimal SSE parser (LF-delimited, as both providers send).
pub fn parse_sse(text: &str) -> Vec<Event> {
    let mut out = Vec::new();
    for block in text.split("\n\n") {
        if block.trim().is_empty() {
            continue;
        }
        let mut ev = Event {
            event: None,
            data: String::new(),
        };
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event: ") {
                ev.event = Some(v.to_owned());
            } else if let Some(v) = line.strip_prefix("data: ") {
                if !ev.data.is_empty() {
                    ev.data.push('\n');
                }
                ev.data.push_str(v);
            }
        }
        out.push(ev);
    }
    out
}

pub fn openai_request(text: &str, stream: bool) -> Value {
    serde_json::json!({
        "model": "gpt-4o-mini",
        "stream": stream,
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": text}
        ]
    })
}

pub fn anthropic_request(text: &str, stream: bool) -> Value {
    serde_json::json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 256,
        "stream": stream,
        "messages": [{"role": "user", "content": [{"type": "text", "text": text}]}]
    })
}
