//! `auth_style` end to end: a Bedrock provider with `auth_style: aws_sigv4` signs each request
//! with AWS SigV4 (credentials from the environment lookup), and an Azure provider with
//! `auth_style: bearer` sends `Authorization: Bearer` instead of `api-key`. A tiny in-test
//! upstream records exactly what arrived — raw path, headers, body bytes — so the signature can
//! be recomputed independently from what the server saw.
//!
//! The harness's `start_mocks` resolves every `$VAR` and every looked-up variable to
//! `key-<name in lowercase>`, so `AWS_ACCESS_KEY_ID` is `key-aws_access_key_id` and a session
//! token is present.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use common::Harness;
use http::HeaderMap;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use plano_upstream::sigv4;
use serde_json::{Value, json};

#[derive(Debug, Clone)]
struct Seen {
    path: String,
    query: String,
    headers: HeaderMap,
    body: Bytes,
}

/// Records every request; answers Converse JSON on `/converse`, an OpenAI chat completion
/// otherwise.
struct Upstream {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Upstream {
    async fn start() -> Upstream {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let url = common::serve_fn(move |req| answer(req, log.clone())).await;
        Upstream { url, seen }
    }

    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn answer(
    req: Request<Incoming>,
    log: Arc<Mutex<Vec<Seen>>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let headers = req.headers().clone();
    let body = req.into_body().collect().await.unwrap().to_bytes();
    log.lock().unwrap().push(Seen {
        path: path.clone(),
        query,
        headers,
        body,
    });
    let answer = if path.ends_with("/converse") {
        json!({
            "output": {"message": {"role": "assistant", "content": [{"text": "signed hello"}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 3, "outputTokens": 2, "totalTokens": 5}
        })
    } else {
        json!({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "azure hello"},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
        })
    };
    Ok(Response::builder()
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(answer.to_string())))
        .unwrap())
}

const CONFIG: &str = r#"
version: v0.4.0
listeners:
  - type: model
    name: model_listener
    port: 12000
model_providers:
  - model: amazon_bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
    base_url: {upstream}
    auth_style: aws_sigv4
    aws_region: eu-west-3
    default: true
  - model: azure_openai/gpt-4o
    access_key: $AZURE_API_KEY
    base_url: {upstream}/openai/deployments
    auth_style: bearer
"#;

async fn start() -> (Harness, Upstream) {
    let upstream = Upstream::start().await;
    let h = Harness::start_mocks(&CONFIG.replace("{upstream}", &upstream.url), 1).await;
    (h, upstream)
}

fn header<'a>(s: &'a Seen, name: &str) -> &'a str {
    s.headers
        .get(name)
        .unwrap_or_else(|| panic!("upstream did not get `{name}`"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn bedrock_requests_are_signed_with_sigv4() {
    let (h, upstream) = start().await;
    for _ in 0..2 {
        let r = h
            .post("/v1/chat/completions")
            .header("authorization", "Bearer client-key")
            .header("x-amz-date", "19990101T000000Z")
            .json(&json!({
                "model": "amazon_bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
                "messages": [{"role": "user", "content": "hello"}]
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["choices"][0]["message"]["content"], "signed hello");
    }

    let seen = upstream.requests();
    assert_eq!(seen.len(), 2);
    for s in &seen {
        assert_eq!(
            s.path,
            "/model/anthropic.claude-3-5-sonnet-20240620-v1:0/converse"
        );
        let date = header(s, "x-amz-date");
        assert_eq!(date.len(), 16, "{date}");
        assert_ne!(
            date, "19990101T000000Z",
            "the client's x-amz-date is dropped"
        );
        assert_eq!(
            header(s, "x-amz-content-sha256"),
            sigv4::sha256_hex(&s.body)
        );
        assert_eq!(header(s, "x-amz-security-token"), "key-aws_session_token");

        let auth = header(s, "authorization");
        let prefix = format!(
            "AWS4-HMAC-SHA256 Credential=key-aws_access_key_id/{}/eu-west-3/bedrock/aws4_request, \
             SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=",
            &date[..8]
        );
        assert!(auth.starts_with(&prefix), "{auth}");
        let sig = &auth[prefix.len()..];
        assert_eq!(sig.len(), 64);
        assert!(
            sig.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );

        // Recompute from what the server received.
        let payload = sigv4::sha256_hex(&s.body);
        let headers = [
            ("host", header(s, "host")),
            ("x-amz-content-sha256", payload.as_str()),
            ("x-amz-date", date),
            ("x-amz-security-token", header(s, "x-amz-security-token")),
        ];
        let expected = sigv4::sign(
            sigv4::Credentials {
                access_key_id: "key-aws_access_key_id",
                secret_access_key: "key-aws_secret_access_key",
            },
            sigv4::Scope {
                amz_date: date,
                region: "eu-west-3",
                service: "bedrock",
            },
            &sigv4::Request {
                method: "POST",
                path: &s.path,
                query: &s.query,
                headers: &headers,
                payload_sha256: &payload,
            },
        );
        assert_eq!(auth, expected.authorization);
        assert!(
            sigv4::canonical_request(&sigv4::Request {
                method: "POST",
                path: &s.path,
                query: &s.query,
                headers: &headers,
                payload_sha256: &payload,
            })
            .contains("\n/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse\n")
        );
    }
}

#[tokio::test]
async fn azure_with_bearer_auth_style_sends_bearer_only() {
    let (h, upstream) = start().await;
    let r = h
        .chat(&json!({
            "model": "azure_openai/gpt-4o",
            "messages": [{"role": "user", "content": "hello"}]
        }))
        .await;
    assert_eq!(r.status(), 200);
    let seen = upstream.requests();
    let s = &seen[0];
    assert!(s.path.ends_with("/chat/completions"), "{}", s.path);
    assert_eq!(header(s, "authorization"), "Bearer key-azure_api_key");
    assert!(s.headers.get("api-key").is_none());
    assert!(s.headers.get("x-amz-date").is_none());
}
