//! Phase 5, **attempt**: send the request upstream until there is a response worth committing
//! to — the retry and failover loop.
//!
//! Without a retry plan (no `retry_policy`, no legacy `max_retries`) a request gets exactly one
//! attempt, committed on the response head, as if this module were a plain function call: no
//! extra allocation, no extra header, no waiting for a stream's first event.
//!
//! With a plan, each attempt goes to one candidate of the request's failover chain (see
//! [`crate::failover`]) and the loop **commits** only to:
//! - a 2xx non-streaming response, on its head;
//! - a 2xx stream, once its first body chunk has arrived (a stream that dies before its first
//!   event is a failed attempt like any other);
//! - a response the plan does not retry (a 400, or the last allowed attempt).
//!
//! Nothing reaches the client before the commit, so every earlier failure can still be retried;
//! nothing is retried after it — a stream that breaks later ends with an error event in the
//! client's API (see [`crate::relay`]).
//!
//! Every attempt re-encodes the *original* client request for its candidate's API: the same
//! bytes with only `model` spliced for a same-API provider, a fresh translation otherwise (an
//! OpenAI-style primary can fail over to an Anthropic provider). The encoded body is kept while
//! the loop retries the same candidate. A candidate whose API cannot express the request
//! (`unsupported_translation`) is dropped from the chain without costing an attempt.
//!
//! Log lines (info) match the fork users grep for (spec §5.4): `Retriable error detected:
//! provider=…, status_code=…`, `Retry initiated: target_model=…`, and
//! `metric.retry_success: model=…, total_attempts=…`.
//!
//! # Layout
//! - this file: the single-attempt path and the per-attempt steps both paths share (encode,
//!   send, wait for a stream's first event, relay context);
//! - `retrying`: the loop under a retry plan;
//! - `chain`: one request's failover chain;
//! - `observe`: what an attempt teaches the health table and counters;
//! - `outcome`: `x-plano-*` headers and the final error after several failed attempts.

mod chain;
mod observe;
mod outcome;
mod retrying;

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue, Response};
use plano_catalog::Api;
use plano_upstream::retry::RetryPlan;
use plano_upstream::stats::Event;
use plano_upstream::{UpstreamError, UpstreamErrorKind, UpstreamResponse};

use crate::body::ResponseBody;
use crate::codec::{self, Scan};
use crate::error::GatewayError;
use crate::failover::{Candidate, Failover};
use crate::relay::{self, RelayCtx};
use crate::routing::Target;
use crate::state::{Gateway, Upstream};

/// The shortest first-byte timeout a retry gets when little of the time budget is left: a
/// retry that cannot possibly answer in time is not worth sending at all, but one that is sent
/// deserves a chance.
const MIN_RETRY_TIMEOUT: Duration = Duration::from_millis(100);

/// What the attempt phase needs of the client's request; borrowed, never copied.
pub(crate) struct ClientRequest<'a> {
    pub api: Api,
    pub headers: &'a HeaderMap,
    /// The body exactly as received.
    pub body: &'a Bytes,
    pub scan: &'a Scan,
    pub request_id: &'a HeaderValue,
}

/// Runs the attempt phase for a request resolved to `provider` / `model`, and relays the
/// committed response.
pub(crate) async fn run(
    gw: &Gateway,
    req: &ClientRequest<'_>,
    provider: usize,
    model: &str,
) -> Result<Response<ResponseBody>, GatewayError> {
    match &gw.failover[provider] {
        None => once(gw, req, provider, model).await,
        Some(failover) => retrying::run(gw, req, provider, model, failover).await,
    }
}

/// Like [`run`] for a routed request: `rest` (the route's other models, in rank order) comes
/// first in the failover chain, then the provider's own fallbacks. A provider without a
/// `retry_policy` gets a plan that tries each route model once
/// ([`RetryPlan::route_chain`](plano_upstream::retry::RetryPlan::route_chain)).
pub(crate) async fn run_routed(
    gw: &Gateway,
    req: &ClientRequest<'_>,
    provider: usize,
    model: &str,
    rest: &[Target],
) -> Result<Response<ResponseBody>, GatewayError> {
    if rest.is_empty() {
        return run(gw, req, provider, model).await;
    }
    let own = gw.failover[provider].as_ref();
    let mut chain: Vec<Candidate> = rest
        .iter()
        .map(|t| Candidate {
            provider: t.provider,
            model: t.model.clone(),
        })
        .collect();
    for c in own.map(|f| f.chain.as_slice()).unwrap_or_default() {
        if !chain
            .iter()
            .any(|x| x.provider == c.provider && x.model == c.model)
        {
            chain.push(c.clone());
        }
    }
    let plan = match own {
        Some(f) => f.plan.clone(),
        None => RetryPlan::route_chain(1 + rest.len(), gw.limits.timeout),
    };
    retrying::run(gw, req, provider, model, &Failover { plan, chain }).await
}

/// The single-attempt path: what the gateway did before retries existed, plus health
/// bookkeeping (atomics only on failure; two relaxed loads on success).
async fn once(
    gw: &Gateway,
    req: &ClientRequest<'_>,
    provider: usize,
    model: &str,
) -> Result<Response<ResponseBody>, GatewayError> {
    let upstream = &gw.upstreams[provider];
    let prepared = prepare(req, upstream, model)?;
    gw.stats.count(provider, Event::Attempt);
    let timeout = gw.first_byte_timeout(upstream);
    match send(req, upstream, model, &prepared, timeout).await {
        Ok(resp) => {
            observe::head(gw, provider, resp.status, &resp.headers);
            let ctx = relay_ctx(gw, req, upstream, model, &prepared);
            relay::respond(resp, ctx).await
        }
        Err(err) => {
            observe::error(gw, provider, &err);
            Err(GatewayError::upstream(&err))
        }
    }
}

/// Phase 4 for one candidate: the body it receives, in its API.
#[derive(Clone)]
struct Prepared {
    api: Api,
    body: Bytes,
    /// OpenAI `stream_options.include_usage`, only read when a translated stream needs it.
    include_usage: bool,
}

fn prepare(
    req: &ClientRequest<'_>,
    upstream: &Upstream,
    model: &str,
) -> Result<Prepared, GatewayError> {
    let api = upstream.target.spec().upstream_api_for(req.api);
    let body = if req.api == api {
        codec::with_model(req.body, req.scan, model)
    } else {
        codec::translate_request(req.api, api, &upstream.config, req.body, model)?
    };
    Ok(Prepared {
        api,
        body: Bytes::from(body),
        include_usage: req.scan.stream && req.api != api && codec::include_usage(req.api, req.body),
    })
}

async fn send(
    req: &ClientRequest<'_>,
    upstream: &Upstream,
    model: &str,
    p: &Prepared,
    first_byte_timeout: Duration,
) -> Result<UpstreamResponse, UpstreamError> {
    let mut url = upstream.target.url(p.api, model, req.scan.stream);
    let mut headers = upstream.headers.build(p.api, req.headers);
    if let Some(signer) = upstream.headers.sigv4() {
        // Signed here, per attempt, over the final URL and body: a signature is only valid for
        // a few minutes and for exactly these bytes.
        url = signer
            .sign(&url, &mut headers, &p.body, std::time::SystemTime::now())
            .map_err(|e| UpstreamError {
                kind: UpstreamErrorKind::Protocol,
                message: e.to_string(),
            })?;
    }
    tracing::debug!(
        provider = %upstream.config.name,
        model = %model,
        client_api = %req.api,
        upstream_api = %p.api,
        stream = req.scan.stream,
        "dispatching"
    );
    upstream
        .client
        .post(&url, headers, p.body.clone(), first_byte_timeout)
        .await
}

fn relay_ctx(
    gw: &Gateway,
    req: &ClientRequest<'_>,
    upstream: &Upstream,
    model: &str,
    p: &Prepared,
) -> RelayCtx {
    RelayCtx {
        client_api: req.api,
        upstream_api: p.api,
        stream: req.scan.stream,
        include_usage: p.include_usage,
        idle_timeout: gw.idle_timeout(upstream),
        request_id: req.request_id.to_str().unwrap_or_default().to_string(),
        model: model.to_string(),
    }
}

/// Waits for a 2xx stream's first body chunk, so that a stream dying before it can still be
/// retried. The chunk is put back in front of the rest of the body.
async fn first_event(
    resp: UpstreamResponse,
    timeout: Duration,
) -> Result<UpstreamResponse, UpstreamError> {
    let UpstreamResponse {
        status,
        headers,
        mut body,
    } = resp;
    match tokio::time::timeout(timeout, body.next()).await {
        Ok(Some(Ok(chunk))) => Ok(UpstreamResponse {
            status,
            headers,
            body: Box::pin(futures_util::stream::once(async { Ok(chunk) }).chain(body)),
        }),
        Ok(Some(Err(err))) => Err(err),
        Ok(None) => Err(UpstreamError {
            kind: UpstreamErrorKind::Protocol,
            message: "upstream ended the stream before its first event".into(),
        }),
        Err(_) => Err(UpstreamError::first_byte_timeout(timeout)),
    }
}
