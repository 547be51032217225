//! Sending one request upstream and exposing the answer as a head plus a byte stream.
//!
//! The gateway never sees reqwest types: it gets an [`UpstreamResponse`] whose body yields
//! `Bytes` chunks as they arrive, with failures already classified as [`UpstreamError`].

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use http::{HeaderMap, StatusCode};

use crate::error::UpstreamError;

/// An upstream response body: chunks as they arrive.
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, UpstreamError>> + Send>>;

/// A response head and its body stream.
pub struct UpstreamResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: BodyStream,
}

/// A pooled client (cheap to clone: an `Arc` inside).
#[derive(Debug, Clone)]
pub struct UpstreamClient(pub(crate) reqwest::Client);

impl UpstreamClient {
    /// POSTs `body` to `url` and waits for the response head, at most `first_byte_timeout`.
    pub async fn post(
        &self,
        url: &str,
        headers: HeaderMap,
        body: Vec<u8>,
        first_byte_timeout: Duration,
    ) -> Result<UpstreamResponse, UpstreamError> {
        let send = self.0.post(url).headers(headers).body(body).send();
        let resp = match tokio::time::timeout(first_byte_timeout, send).await {
            Ok(Ok(resp)) => resp,
            Ok(Err(err)) => return Err(UpstreamError::from_reqwest(err)),
            Err(_) => return Err(UpstreamError::first_byte_timeout(first_byte_timeout)),
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .bytes_stream()
            .map(|r| r.map_err(UpstreamError::from_reqwest));
        Ok(UpstreamResponse {
            status,
            headers,
            body: Box::pin(body),
        })
    }
}
