//! `TranslateError`: why a body or stream could not be translated, and which side is to blame.

use plano_catalog::Api;

/// A translation failure. [`status`](Self::status) says how the gateway should answer: client-side problems
/// are 400, upstream-side problems 502.
#[derive(Debug, thiserror::Error)]
pub enum TranslateError {
    /// The client body is not valid JSON for its API.
    #[error("invalid {api} request body: {source}")]
    InvalidBody {
        api: Api,
        #[source]
        source: serde_json::Error,
    },
    /// The request is well-formed but cannot be expressed in the upstream API.
    #[error("{0}")]
    InvalidRequest(String),
    /// No translation exists for this pair (yet).
    #[error("translation from {from} to {to} is not supported")]
    Unsupported { from: Api, to: Api },
    /// The upstream response body does not parse as its API's response.
    #[error("invalid {api} response from upstream: {detail}")]
    InvalidResponse { api: Api, detail: String },
    /// The upstream stream broke its framing or sent an event that does not parse.
    #[error("invalid {api} stream from upstream: {detail}")]
    InvalidStream { api: Api, detail: String },
}

impl TranslateError {
    /// The HTTP status for answering the client with this error.
    pub fn status(&self) -> u16 {
        match self {
            TranslateError::InvalidBody { .. }
            | TranslateError::InvalidRequest(_)
            | TranslateError::Unsupported { .. } => 400,
            TranslateError::InvalidResponse { .. } | TranslateError::InvalidStream { .. } => 502,
        }
    }

    /// Whether the client (rather than the upstream) is at fault.
    pub fn is_client_error(&self) -> bool {
        self.status() < 500
    }

    pub(crate) fn body(api: Api) -> impl FnOnce(serde_json::Error) -> Self {
        move |source| TranslateError::InvalidBody { api, source }
    }

    pub(crate) fn response(api: Api) -> impl FnOnce(serde_json::Error) -> Self {
        move |e| TranslateError::InvalidResponse {
            api,
            detail: e.to_string(),
        }
    }

    /// Serializing our own types cannot fail in practice (string keys, finite numbers); if it ever does it is
    /// our bug, reported as an upstream-side failure rather than a panic.
    pub(crate) fn serialize(api: Api) -> impl FnOnce(serde_json::Error) -> Self {
        move |e| TranslateError::InvalidResponse {
            api,
            detail: format!("serialization failed: {e}"),
        }
    }
}
