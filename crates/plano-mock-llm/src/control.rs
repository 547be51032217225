//! Control endpoints under `/_mock/`, for harnesses that run the binary and cannot reach
//! the in-process handle: `GET /_mock/requests` lists the recorded requests as JSON,
//! `DELETE /_mock/requests` clears them. Control requests are never recorded themselves.

use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Method, Response, StatusCode};
use serde_json::Value;

use crate::body::MockBody;
use crate::sse_writer::push_json;
use crate::state::Shared;

const PREFIX: &str = "/_mock/";

pub(crate) fn handle(shared: &Shared, parts: &http::request::Parts) -> Option<Response<MockBody>> {
    let path = parts.uri.path();
    if !path.starts_with(PREFIX) {
        return None;
    }
    let mut resp = Response::new(MockBody::full(bytes::Bytes::new()));
    match (&parts.method, &path[PREFIX.len()..]) {
        (&Method::GET, "requests") => {
            let list: Vec<Value> = shared.requests().iter().map(|r| r.to_json()).collect();
            let mut out = Vec::with_capacity(256);
            push_json(&mut out, &Value::Array(list));
            *resp.body_mut() = MockBody::full(out.into());
            resp.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        (&Method::DELETE, "requests") => {
            shared.clear_requests();
            *resp.status_mut() = StatusCode::NO_CONTENT;
        }
        _ => *resp.status_mut() = StatusCode::NOT_FOUND,
    }
    Some(resp)
}
