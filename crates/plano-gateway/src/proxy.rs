//! The LLM request lifecycle on a model listener, as named phases:
//!
//! 1. **accept** — read the body, bounded by the listener's limit (413 past it);
//! 2. **parse** — scan only the top level of the JSON for `model` and `stream`;
//! 3. **resolve** — requested model → provider and upstream model id;
//! 4. **encode** — same API: splice the upstream model into the original bytes (every other
//!    byte unchanged); different API: translate the request;
//! 5. **attempt** — send upstream with the provider's URL and headers, bounded by the
//!    first-byte timeout; under a retry plan, the retry/failover loop that re-encodes the
//!    original request for each candidate and commits before the first byte reaches the
//!    client ([`crate::attempt`]);
//! 6. **relay** — hand the committed response to [`crate::relay`].
//!
//! Phases 4–6 run per attempt inside [`crate::attempt`]. Each phase returns a [`GatewayError`]
//! on failure, rendered once in the client's dialect.

use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use plano_catalog::Api;

use crate::access;
use crate::attempt::{self, ClientRequest};
use crate::body::ResponseBody;
use crate::codec;
use crate::error::GatewayError;
use crate::metrics::DecisionKind;
use crate::resolve::ResolveError;
use crate::routing::{self, Router, RoutingInput};
use crate::state::Gateway;

pub async fn handle(
    gw: &Gateway,
    api: Api,
    req: Request<Incoming>,
    request_id: &HeaderValue,
) -> Response<ResponseBody> {
    match run(gw, api, req, request_id).await {
        Ok(resp) => resp,
        Err(err) => {
            tracing::debug!(status = err.status.as_u16(), label = err.label, message = %err.message, "request failed");
            err.into_response(api)
        }
    }
}

async fn run(
    gw: &Gateway,
    client_api: Api,
    req: Request<Incoming>,
    request_id: &HeaderValue,
) -> Result<Response<ResponseBody>, GatewayError> {
    let (parts, body) = req.into_parts();
    let mut bytes = accept(body, gw.limits.max_body_bytes).await?;
    let mut scan = codec::scan(&bytes)?;
    let mut inline = None;
    if scan.inline_preferences {
        // Never forwarded: per-request routing preferences are for the router only.
        if let Some(taken) = plano_router::take_inline_preferences(&bytes) {
            bytes = Bytes::from(taken.body);
            scan = codec::scan(&bytes)?;
            inline = match taken.preferences {
                Ok(p) => Some(p),
                Err(why) => {
                    tracing::warn!("inline routing_preferences ignored: {why}");
                    None
                }
            };
        }
    }
    let client = ClientRequest {
        api: client_api,
        headers: &parts.headers,
        body: &bytes,
        scan: &scan,
        request_id,
    };
    let result = match &gw.router {
        Some(router) if router.routes_anything(inline.is_some()) => {
            routed(gw, router, &client, inline).await
        }
        _ => match gw.resolver.resolve(&gw.providers, scan.model.as_deref()) {
            Err(err) => Err(unresolved(err)),
            Ok(resolved) => {
                note_provider(resolved.provider);
                attempt::run(gw, &client, resolved.provider, &resolved.upstream_model).await
            }
        },
    };
    // For the access log; moved, not copied, now that the attempts are over.
    if let Some(model) = scan.model {
        access::note(|f| {
            let _ = f.requested.set(model);
        });
    }
    result
}

/// Phases 3–6 with preference routing: the route's first model, or — no route, router down —
/// the model the request named (the default provider when it named none, or named the router).
async fn routed(
    gw: &Gateway,
    router: &Router,
    client: &ClientRequest<'_>,
    inline: Option<Vec<plano_router::InlinePreference>>,
) -> Result<Response<ResponseBody>, GatewayError> {
    let (lane, fallback) = routing::fallback(gw, router, client.scan.model.as_deref());
    let decision = router
        .decide(
            gw,
            RoutingInput {
                api: client.api,
                headers: client.headers,
                body: client.body,
                lane,
                fallback: fallback.as_ref().ok().cloned(),
                inline,
                request_id: client.request_id,
                kind: DecisionKind::Llm,
            },
        )
        .await;
    let mut resp = match decision.targets.split_first() {
        Some((first, rest)) => {
            note_provider(first.provider);
            attempt::run_routed(gw, client, first.provider, &first.model, rest).await
        }
        None => {
            let target = fallback.map_err(unresolved)?;
            note_provider(target.provider);
            attempt::run(gw, client, target.provider, &target.model).await
        }
    }?;
    if let Some(route) = decision.route {
        if let Ok(v) = HeaderValue::from_str(&route) {
            resp.headers_mut().insert(X_PLANO_ROUTE.clone(), v);
        }
        access::note(|f| {
            let _ = f.route.set(route);
        });
    }
    Ok(resp)
}

/// Names the route that chose the model, on routed responses.
static X_PLANO_ROUTE: http::HeaderName = http::HeaderName::from_static("x-plano-route");

fn note_provider(provider: usize) {
    access::note(|f| {
        let _ = f.provider.set(provider);
    });
}

/// Phase 1: the whole request body, never more than `limit` bytes.
pub(crate) async fn accept(body: Incoming, limit: usize) -> Result<Bytes, GatewayError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.is::<http_body_util::LengthLimitError>() => Err(GatewayError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_too_large",
            format!("request body exceeds the listener limit of {limit} bytes"),
        )),
        Err(err) => Err(GatewayError::bad_request(
            "bad_request_body",
            format!("reading request body: {err}"),
        )),
    }
}

pub(crate) fn unresolved(err: ResolveError) -> GatewayError {
    match err {
        ResolveError::NoModel => GatewayError::bad_request(
            "no_model",
            "the request has no `model` and no provider is marked `default: true`; \
             GET /v1/models lists the available models",
        ),
        ResolveError::Unknown(m) => GatewayError::bad_request(
            "model_not_found",
            format!(
                "Model '{m}' not found in configured providers; GET /v1/models lists the available models"
            ),
        ),
    }
}
