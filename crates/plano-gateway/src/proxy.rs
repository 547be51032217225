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
use crate::resolve::ResolveError;
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
    let bytes = accept(body, gw.limits.max_body_bytes).await?;
    let scan = codec::scan(&bytes)?;
    let result = match gw.resolver.resolve(&gw.providers, scan.model.as_deref()) {
        Err(err) => Err(unresolved(err)),
        Ok(resolved) => {
            access::note(|f| {
                let _ = f.provider.set(resolved.provider);
            });
            let client = ClientRequest {
                api: client_api,
                headers: &parts.headers,
                body: &bytes,
                scan: &scan,
                request_id,
            };
            attempt::run(gw, &client, resolved.provider, &resolved.upstream_model).await
        }
    };
    // For the access log; moved, not copied, now that the attempts are over.
    if let Some(model) = scan.model {
        access::note(|f| {
            let _ = f.requested.set(model);
        });
    }
    result
}

/// Phase 1: the whole request body, never more than `limit` bytes.
async fn accept(body: Incoming, limit: usize) -> Result<Bytes, GatewayError> {
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

fn unresolved(err: ResolveError) -> GatewayError {
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
