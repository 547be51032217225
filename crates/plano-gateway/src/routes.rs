//! The route table of a model listener.
//!
//! | method + path                | handler                                  |
//! |------------------------------|------------------------------------------|
//! | POST /v1/chat/completions    | LLM proxy, OpenAI Chat client API        |
//! | POST /v1/messages            | LLM proxy, Anthropic Messages client API |
//! | POST /v1/responses           | LLM proxy, OpenAI Responses client API   |
//! | GET  /v1/models              | configured models, OpenAI list shape     |
//! | GET  /healthz                | 200 once serving                         |
//! | OPTIONS *                    | CORS preflight, 204                      |
//!
//! Every response carries `x-request-id` (the client's, or a generated one).

use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use plano_catalog::Api;

use crate::body::{self, ResponseBody};
use crate::error::GatewayError;
use crate::state::Gateway;
use crate::{proxy, request_id};

pub static X_REQUEST_ID: header::HeaderName = header::HeaderName::from_static("x-request-id");

pub async fn route(gw: &Gateway, req: Request<Incoming>) -> Response<ResponseBody> {
    let id = match req.headers().get(&X_REQUEST_ID) {
        Some(v) if !v.is_empty() && v.len() <= 200 => v.clone(),
        _ => request_id::generate(),
    };
    let mut resp = dispatch(gw, req, &id).await;
    if let Some(upstream_id) = resp.headers_mut().remove(&X_REQUEST_ID) {
        resp.headers_mut()
            .insert("x-upstream-request-id", upstream_id);
    }
    resp.headers_mut().insert(X_REQUEST_ID.clone(), id);
    resp
}

async fn dispatch(
    gw: &Gateway,
    req: Request<Incoming>,
    id: &HeaderValue,
) -> Response<ResponseBody> {
    let api = match req.uri().path() {
        "/v1/chat/completions" => Some(Api::OpenAiChat),
        "/v1/messages" => Some(Api::AnthropicMessages),
        "/v1/responses" => Some(Api::OpenAiResponses),
        _ => None,
    };
    match (req.method(), api) {
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
