//! The route table of a model listener.
//!
//! | method + path                | handler                                  |
//! |------------------------------|------------------------------------------|
//! | POST /v1/chat/completions    | LLM proxy, OpenAI Chat client API        |
//! | POST /v1/messages            | LLM proxy, Anthropic Messages client API |
//! | POST /v1/responses           | LLM proxy, OpenAI Responses client API   |
//! | POST /routing/v1/chat/completions, /routing/v1/messages, /routing/v1/responses | the routing decision only (no LLM call but the router's) |
//! | GET  /v1/models              | configured models, OpenAI list shape     |
//! | GET  /healthz                | 200 once serving                         |
//! | OPTIONS *                    | CORS preflight, 204                      |
//!
//! Every response carries `x-request-id` (the client's, or a generated one), and every request
//! gets one access-log line and its metrics when its response body ends (see `crate::access`).

use std::borrow::Cow;
use std::sync::Arc;

use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use plano_catalog::Api;

use crate::access::{self, AccessBody, Facts, Record};
use crate::body::{self, ResponseBody};
use crate::error::GatewayError;
use crate::metrics::Handler;
use crate::state::Gateway;
use crate::{proxy, request_id, routing};

pub static X_REQUEST_ID: header::HeaderName = header::HeaderName::from_static("x-request-id");

pub async fn route(
    gw: &Arc<Gateway>,
    listener: &Arc<str>,
    req: Request<Incoming>,
) -> Response<AccessBody> {
    let id = match req.headers().get(&X_REQUEST_ID) {
        Some(v) if !v.is_empty() && v.len() <= 200 => v.clone(),
        _ => request_id::generate(),
    };
    let (handler, path) = classify(req.method(), req.uri().path());
    let llm = handler == Handler::LlmChat && req.method() == Method::POST;
    let facts = llm.then(|| Arc::new(Facts::default()));
    // From here on the record is a drop guard: a client that leaves before the head is logged.
    let mut record = Record::start(
        gw,
        listener,
        handler,
        req.method(),
        path,
        &id,
        facts.clone(),
    );
    let mut resp = match facts {
        Some(facts) => access::scope(facts, dispatch(gw, req, &id)).await,
        None => dispatch(gw, req, &id).await,
    };
    if let Some(upstream_id) = resp.headers_mut().remove(&X_REQUEST_ID) {
        resp.headers_mut()
            .insert("x-upstream-request-id", upstream_id);
    }
    resp.headers_mut().insert(X_REQUEST_ID.clone(), id);
    record.head(&resp);
    resp.map(|b| AccessBody::new(b, record))
}

/// The `handler` label and the path as logged. Known routes log a static string; only an
/// unknown path (a 404) costs an allocation.
fn classify(method: &Method, path: &str) -> (Handler, Cow<'static, str>) {
    let known = match path {
        "/v1/chat/completions" => Some(("/v1/chat/completions", Handler::LlmChat)),
        "/v1/messages" => Some(("/v1/messages", Handler::LlmChat)),
        "/v1/responses" => Some(("/v1/responses", Handler::LlmChat)),
        "/routing/v1/chat/completions" => {
            Some(("/routing/v1/chat/completions", Handler::RoutingDecision))
        }
        "/routing/v1/messages" => Some(("/routing/v1/messages", Handler::RoutingDecision)),
        "/routing/v1/responses" => Some(("/routing/v1/responses", Handler::RoutingDecision)),
        "/v1/models" => Some(("/v1/models", Handler::ListModels)),
        "/healthz" => Some(("/healthz", Handler::Health)),
        _ => None,
    };
    let handler = match (method, known) {
        (&Method::OPTIONS, _) => Handler::CorsPreflight,
        (_, Some((_, h))) => h,
        (_, None) => Handler::NotFound,
    };
    match known {
        Some((p, _)) => (handler, Cow::Borrowed(p)),
        None => (handler, Cow::Owned(path.chars().take(200).collect())),
    }
}

async fn dispatch(
    gw: &Gateway,
    req: Request<Incoming>,
    id: &HeaderValue,
) -> Response<ResponseBody> {
    let (api, decision_only) = match req.uri().path() {
        "/v1/chat/completions" => (Some(Api::OpenAiChat), false),
        "/v1/messages" => (Some(Api::AnthropicMessages), false),
        "/v1/responses" => (Some(Api::OpenAiResponses), false),
        "/routing/v1/chat/completions" => (Some(Api::OpenAiChat), true),
        "/routing/v1/messages" => (Some(Api::AnthropicMessages), true),
        "/routing/v1/responses" => (Some(Api::OpenAiResponses), true),
        _ => (None, false),
    };
    match (req.method(), api) {
        (&Method::POST, Some(api)) if decision_only => routing::api::handle(gw, api, req, id).await,
        (&Method::POST, Some(api)) => proxy::handle(gw, api, req, id).await,
        (&Method::OPTIONS, _) => preflight(),
        (_, Some(api)) => {
            let mut r = GatewayError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                format!(
                    "{} is not allowed on {}; use POST",
                    req.method(),
                    req.uri().path()
                ),
            )
            .into_response(api);
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST, OPTIONS"));
            r
        }
        (&Method::GET | &Method::HEAD, None) => match req.uri().path() {
            "/v1/models" => {
                let mut r = Response::new(body::full(gw.models_json.clone()));
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                r
            }
            "/healthz" => Response::new(body::empty()),
            path => not_found(path),
        },
        (_, None) => not_found(req.uri().path()),
    }
}

fn not_found(path: &str) -> Response<ResponseBody> {
    GatewayError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no route for {path}"),
    )
    .into_response(Api::OpenAiChat)
}

/// CORS preflight, as upstream answers it (spec §2.7).
fn preflight() -> Response<ResponseBody> {
    let mut r = Response::new(body::empty());
    *r.status_mut() = StatusCode::NO_CONTENT;
    let h = r.headers_mut();
    h.insert(
        header::ALLOW,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(
            "Authorization, Content-Type, x-api-key, anthropic-version, anthropic-beta",
        ),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    r
}
