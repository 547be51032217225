//! Gateway-made errors and the one place they become HTTP responses.
//!
//! Every error is rendered in the client's own API dialect — OpenAI's `{"error":{...}}` on
//! `/v1/chat/completions`, Anthropic's `{"type":"error","error":{...}}` on `/v1/messages` — and
//! carries `x-plano-error: <label>` so a client can tell "the gateway refused" from "the
//! provider refused" (provider errors come back without that header).

use http::{HeaderValue, Response, StatusCode, header};
use plano_catalog::Api;
use plano_upstream::UpstreamError;

use crate::body::{self, ResponseBody};

/// Marks responses the gateway generated itself.
pub const X_PLANO_ERROR: &str = "x-plano-error";

#[derive(Debug)]
pub struct GatewayError {
    pub status: StatusCode,
    /// Short stable label: header value and metric label.
    pub label: &'static str,
    pub message: String,
}

impl GatewayError {
    pub fn new(status: StatusCode, label: &'static str, message: impl Into<String>) -> Self {
        GatewayError {
            status,
            label,
            message: message.into(),
        }
    }

    pub fn bad_request(label: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, label, message)
    }

    pub fn upstream(err: &UpstreamError) -> Self {
        let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_GATEWAY);
        Self::new(status, err.label(), err.message.clone())
    }

    pub fn into_response(self, api: Api) -> Response<ResponseBody> {
        let bytes = crate::codec::error_body(api, self.status.as_u16(), &self.message, self.label);
        let mut resp = Response::new(body::full(bytes));
        *resp.status_mut() = self.status;
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        h.insert(X_PLANO_ERROR, HeaderValue::from_static(self.label));
        resp
    }
}
