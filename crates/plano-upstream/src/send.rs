//! Sending one request upstream and exposing the answer as a head plus a byte stream.
//!
//! The gateway never sees client-library types: it gets an [`UpstreamResponse`] whose body
//! yields `Bytes` chunks as they arrive, with failures already classified as
//! [`UpstreamError`].

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use http::{HeaderMap, Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;

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
pub struct UpstreamClient(pub(crate) Client<HttpsConnector<HttpConnector>, Full<Bytes>>);

impl UpstreamClient {
    /// POSTs `body` to `url` and waits for the response head, at most `first_byte_timeout`.
    ///
    /// The body is `Bytes` so that a retry of the same encoded request re-sends it without a
    /// copy.
    pub async fn post(
        &self,
        url: &str,
        headers: HeaderMap,
        body: Bytes,
        first_byte_timeout: Duration,
    ) -> Result<UpstreamResponse, UpstreamError> {
        self.send(Method::POST, url, headers, body, first_byte_timeout)
            .await
    }

    /// GETs `url` and waits for the response head, at most `first_byte_timeout`: the gateway's
    /// own look-ups (model metrics feeds), on the same pooled connections and TLS roots as the
    /// providers.
    pub async fn get(
        &self,
        url: &str,
        headers: HeaderMap,
        first_byte_timeout: Duration,
    ) -> Result<UpstreamResponse, UpstreamError> {
        self.send(Method::GET, url, headers, Bytes::new(), first_byte_timeout)
            .await
    }

    async fn send(
        &self,
        method: Method,
        url: &str,
        headers: HeaderMap,
        body: Bytes,
        first_byte_timeout: Duration,
    ) -> Result<UpstreamResponse, UpstreamError> {
        let uri: Uri = url.parse().map_err(|_| UpstreamError::bad_url())?;
        let mut req = Request::new(Full::new(body));
        *req.method_mut() = method;
        *req.uri_mut() = uri;
        *req.headers_mut() = headers;
        let resp = match tokio::time::timeout(first_byte_timeout, self.0.request(req)).await {
            Ok(Ok(resp)) => resp,
            Ok(Err(err)) => return Err(UpstreamError::from_client(&err)),
            Err(_) => return Err(UpstreamError::first_byte_timeout(first_byte_timeout)),
        };
        let (parts, incoming) = resp.into_parts();
        let body = incoming
            .into_data_stream()
            .map(|r| r.map_err(|e| UpstreamError::from_body(&e)));
        Ok(UpstreamResponse {
            status: parts.status,
            headers: parts.headers,
            body: Box::pin(body),
        })
    }
}
