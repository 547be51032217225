//! The routing decision API (spec §4.5): `POST /routing/v1/chat/completions`,
//! `/routing/v1/messages` and `/routing/v1/responses` take a normal request of that API and
//! answer where the gateway would send it — without sending it anywhere but to the router.
//!
//! `200 {"models": [...], "route": "...", "trace_id": "...", "session_id": "...", "pinned":
//! bool, "switched": bool}`. `models` lists the route's models, the one the session router
//! chose first; with no route it is `["none"]` and `route` is null. Unlike upstream, a router
//! failure is not a 500: the answer is the no-route answer plus `router_error` (the reason), so
//! a client can always go on with its own model.
//!
//! Errors use brightstaff's envelope: `{"error": {"code": "InvalidRequest", "message": ...,
//! "details": {"reason": ...}}}`.

use http::{HeaderMap, HeaderValue, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use plano_catalog::Api;
use serde::Serialize;

use super::RoutingInput;
use crate::body::{self, ResponseBody};
use crate::codec;
use crate::metrics::{DecisionKind, ServiceOutcome};
use crate::proxy;
use crate::state::Gateway;

#[derive(Serialize)]
struct Answer<'a> {
    models: Vec<&'a str>,
    route: Option<&'a str>,
    trace_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_id: Option<&'a str>,
    pinned: bool,
    switched: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    router_error: Option<&'a str>,
}

pub(crate) async fn handle(
    gw: &Gateway,
    api: Api,
    req: Request<Incoming>,
    request_id: &HeaderValue,
) -> Response<ResponseBody> {
    let (parts, body) = req.into_parts();
    let mut bytes = match proxy::accept(body, gw.limits.max_body_bytes).await {
        Ok(b) => b,
        Err(e) => return invalid(e.status, &e.message),
    };
    let mut inline = None;
    if let Some(taken) = plano_router::take_inline_preferences(&bytes) {
        bytes = taken.body.into();
        inline = taken.preferences.ok();
    }
    let scan = match codec::scan(&bytes) {
        Ok(s) => s,
        Err(e) => {
            return invalid(
                StatusCode::BAD_REQUEST,
                &format!("Failed to parse request JSON: {}", e.message),
            );
        }
    };
    if let Err(e) = plano_router::conversation(api, &bytes) {
        return invalid(
            StatusCode::BAD_REQUEST,
            &format!("Invalid {api} request: {e}"),
        );
    }
    let trace_id = trace_id(&parts.headers);
    let Some(router) = &gw.router else {
        return answer(&Answer {
            models: vec!["none"],
            route: None,
            trace_id,
            session_id: None,
            pinned: false,
            switched: false,
            router_error: None,
        });
    };
    let (lane, fallback) = super::fallback(gw, router, scan.model.as_deref());
    let decision = router
        .decide(
            gw,
            RoutingInput {
                api,
                headers: &parts.headers,
                body: &bytes,
                lane,
                fallback: fallback.ok(),
                inline,
                request_id,
                kind: DecisionKind::Routing,
            },
        )
        .await;
    let outcome = match (&decision.router_error, decision.targets.is_empty()) {
        (Some(_), _) => ServiceOutcome::PolicyError,
        (None, true) => ServiceOutcome::NoCandidates,
        (None, false) => ServiceOutcome::DecisionServed,
    };
    router.metrics.service(outcome);
    let models = if decision.targets.is_empty() {
        vec!["none"]
    } else {
        decision.targets.iter().map(|t| &*t.written).collect()
    };
    answer(&Answer {
        models,
        route: decision.route.as_deref(),
        trace_id,
        session_id: decision.session_id.as_deref(),
        pinned: decision.pinned,
        switched: decision.switched,
        router_error: decision.router_error.as_deref(),
    })
}

/// The trace id of the incoming `traceparent` (`00-<trace id>-<span id>-<flags>`), or a new one.
fn trace_id(headers: &HeaderMap) -> String {
    headers
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split('-').nth(1))
        .filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .map_or_else(
            || uuid::Uuid::new_v4().simple().to_string(),
            str::to_ascii_lowercase,
        )
}

fn answer(a: &Answer<'_>) -> Response<ResponseBody> {
    let bytes = serde_json::to_vec(a).unwrap_or_else(|_| b"{}".to_vec());
    json(StatusCode::OK, bytes)
}

fn invalid(status: StatusCode, reason: &str) -> Response<ResponseBody> {
    let body = serde_json::json!({
        "error": {
            "code": "InvalidRequest",
            "message": "Invalid request",
            "details": { "reason": reason },
        }
    });
    json(status, body.to_string().into_bytes())
}

fn json(status: StatusCode, bytes: Vec<u8>) -> Response<ResponseBody> {
    let mut r = Response::new(body::full(bytes));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}
