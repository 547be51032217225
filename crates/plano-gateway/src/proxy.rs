//! The LLM request lifecycle on a model listener, as named phases:
//!
//! 1. **accept** — read the body, bounded by the listener's limit (413 past it);
//! 2. **parse** — scan only the top level of the JSON for `model` and `stream`;
//! 3. **resolve** — requested model → provider and upstream model id;
//! 4. **encode** — same API: splice the upstream model into the original bytes (every other
//!    byte unchanged); different API: translate the request;
//! 5. **attempt** — send upstream with the provider's URL and headers, bounded by the
//!    first-byte timeout;
//! 6. **relay** — hand the response to [`crate::relay`].
//!
//! Each phase returns a [`GatewayError`] on failure, rendered once in the client's dialect.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use plano_catalog::Api;
use plano_upstream::UpstreamResponse;

use crate::body::ResponseBody;
use crate::codec::{self, Scan};
use crate::error::GatewayError;
use crate::relay::{self, RelayCtx};
use crate::resolve::ResolveError;
use crate::state::{Gateway, Upstream};

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
    let mut scan = codec::scan(&bytes)?;

    let resolved = gw
        .resolver
        .resolve(&gw.providers, scan.model.as_deref())
        .map_err(unresolved)?;
    let upstream = &gw.upstreams[resolved.provider];
    let upstream_api = upstream.target.spec().upstream_api_for(client_api);
    if scan.stream && client_api != upstream_api {
        scan.include_usage = codec::include_usage(client_api, &bytes);
    }

    let body = encode(
        client_api,
        upstream_api,
        upstream,
        &bytes,
        &scan,
        &resolved.upstream_model,
    )?;
    let url = upstream
        .target
        .url(upstream_api, &resolved.upstream_model, scan.stream);
    let headers = upstream.headers.build(upstream_api, &parts.headers);
    tracing::debug!(
        provider = %upstream.config.name,
        model = %resolved.upstream_model,
        client_api = %client_api,
        upstream_api = %upstream_api,
        stream = scan.stream,
        "dispatching"
    );

    let response = attempt(
        upstream,
        url,
        headers,
        body,
        gw.first_byte_timeout(upstream),
    )
    .await?;
    let ctx = RelayCtx {
        client_api,
        upstream_api,
        stream: scan.stream,
        include_usage: scan.include_usage,
        idle_timeout: gw.idle_timeout(upstream),
        request_id: request_id.to_str().unwrap_or_default().to_string(),
        model: resolved.upstream_model.into_owned(),
    };
    relay::respond(response, ctx).await
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

/// Phase 4: the body the provider receives.
fn encode(
    client: Api,
    upstream: Api,
    provider: &Upstream,
    bytes: &[u8],
    scan: &Scan,
    upstream_model: &str,
) -> Result<Vec<u8>, GatewayError> {
    if client == upstream {
        Ok(codec::with_model(bytes, scan, upstream_model))
    } else {
        codec::translate_request(client, upstream, &provider.config, bytes, upstream_model)
    }
}

/// Phase 5: one upstream attempt, up to the response head.
async fn attempt(
    upstream: &Upstream,
    url: String,
    headers: HeaderMap,
    body: Vec<u8>,
    first_byte_timeout: Duration,
) -> Result<UpstreamResponse, GatewayError> {
    upstream
        .client
        .post(&url, headers, body, first_byte_timeout)
        .await
        .map_err(|e| GatewayError::upstream(&e))
}
