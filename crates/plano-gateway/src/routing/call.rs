//! The router call (spec §4.2): one non-streaming OpenAI chat request whose single user
//! message is the filled-in prompt, sent to the router provider through the ordinary attempt
//! phase — so a router behind Anthropic, Bedrock or any OpenAI-compatible server gets its own
//! URL, auth and translation, and its own `retry_policy` if it has one.
//!
//! The whole exchange (attempts, body) is bounded by the router timeout, and a router that keeps
//! failing is not asked at all while its circuit is open (the provider health table every
//! provider has): requests then go straight to their own model instead of each paying for a
//! router that is down, and a half-open probe finds out when it is back. It runs in an access
//! scope of its own, so the request's access line names the provider that served the request,
//! not the router. No client header is forwarded: the router never sees the client's
//! credentials.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use http_body_util::BodyExt;
use plano_catalog::Api;

use super::Router;
use crate::access::{self, Facts};
use crate::attempt::{self, ClientRequest};
use crate::codec;
use crate::metrics::RouterFailure;
use crate::state::Gateway;

/// Why the router gave no answer.
#[derive(Debug)]
pub(super) struct Failure {
    pub kind: RouterFailure,
    pub message: String,
}

impl Failure {
    fn new(kind: RouterFailure, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

/// Longest router error body quoted in a log line.
const QUOTE_LIMIT: usize = 200;

/// Sends `prompt` to the router; the route names it answered, in its order.
pub(super) async fn ask(
    gw: &Gateway,
    router: &Router,
    prompt: &str,
    timeout: Duration,
    request_id: &HeaderValue,
) -> Result<Vec<String>, Failure> {
    if !gw.health.admit(router.provider) {
        return Err(Failure::new(
            RouterFailure::CoolingDown,
            "the router failed repeatedly and is cooling down",
        ));
    }
    let body = Bytes::from(plano_router::router_request_body(&router.model, prompt));
    let exchange = async {
        let scan =
            codec::scan(&body).map_err(|e| Failure::new(RouterFailure::Unparsable, e.message))?;
        let headers = HeaderMap::new();
        let req = ClientRequest {
            api: Api::OpenAiChat,
            headers: &headers,
            body: &body,
            scan: &scan,
            request_id,
        };
        let resp = attempt::run(gw, &req, router.provider, &router.model)
            .await
            .map_err(|e| {
                let kind = if e.status == http::StatusCode::GATEWAY_TIMEOUT {
                    RouterFailure::Timeout
                } else {
                    RouterFailure::Unreachable
                };
                Failure::new(kind, e.message)
            })?;
        let status = resp.status();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| {
                Failure::new(
                    RouterFailure::Unreachable,
                    format!("reading the router's answer: {e}"),
                )
            })?
            .to_bytes();
        if !status.is_success() {
            return Err(Failure::new(
                RouterFailure::Status,
                format!("router answered {}: {}", status.as_u16(), quote(&bytes)),
            ));
        }
        let content = plano_router::router_answer_text(&bytes)
            .map_err(|e| Failure::new(RouterFailure::Unparsable, e.to_string()))?;
        match content {
            None => Ok(Vec::new()),
            Some(text) => plano_router::parse_answer(&text)
                .map_err(|e| Failure::new(RouterFailure::Unparsable, e.to_string())),
        }
    };
    let scoped = access::scope(Arc::new(Facts::default()), exchange);
    match tokio::time::timeout(timeout, scoped).await {
        Ok(result) => result,
        Err(_) => {
            // The attempt was dropped before it could report; a router this slow counts as failing.
            gw.health.failure(router.provider);
            Err(Failure::new(
                RouterFailure::Timeout,
                format!("no answer within {} ms", timeout.as_millis()),
            ))
        }
    }
}

/// The start of an error body, for a log line (never more than [`QUOTE_LIMIT`] bytes).
fn quote(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut end = text.len().min(QUOTE_LIMIT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}
