//! Upstream failures, classified once where they happen.
//!
//! The gateway (and the retry loop) decide on [`UpstreamErrorKind`] and never on message text.
//! Messages never include credentials: hyper errors carry no URL, and keys only ever travel in
//! headers.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpstreamErrorKind {
    /// TCP/TLS connection could not be established.
    Connect,
    /// No response headers within the first-byte timeout.
    FirstByteTimeout,
    /// The response body went silent for longer than the idle timeout.
    IdleTimeout,
    /// The connection broke or the peer spoke bad HTTP.
    Protocol,
}

#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UpstreamError {
    pub kind: UpstreamErrorKind,
    pub message: String,
}

impl UpstreamError {
    pub fn first_byte_timeout(after: Duration) -> Self {
        UpstreamError {
            kind: UpstreamErrorKind::FirstByteTimeout,
            message: format!("upstream did not respond within {}", humanize(after)),
        }
    }

    pub fn idle_timeout(after: Duration) -> Self {
        UpstreamError {
            kind: UpstreamErrorKind::IdleTimeout,
            message: format!("upstream stream was idle for {}", humanize(after)),
        }
    }

    /// Classifies a client error from sending a request. The messages of hyper's errors never
    /// contain the URL, so nothing of the request leaks.
    pub fn from_client(err: &hyper_util::client::legacy::Error) -> Self {
        let kind = if err.is_connect() {
            UpstreamErrorKind::Connect
        } else {
            UpstreamErrorKind::Protocol
        };
        UpstreamError {
            kind,
            message: chain(err),
        }
    }

    /// A failure while reading the response body (connection cut, bad framing).
    pub fn from_body(err: &hyper::Error) -> Self {
        let kind = if err.is_timeout() {
            UpstreamErrorKind::IdleTimeout
        } else {
            UpstreamErrorKind::Protocol
        };
        UpstreamError {
            kind,
            message: format!("upstream body: {}", chain(err)),
        }
    }

    /// The provider's URL did not parse (validation normally prevents this).
    pub fn bad_url() -> Self {
        UpstreamError {
            kind: UpstreamErrorKind::Connect,
            message: "invalid upstream URL".into(),
        }
    }

    /// The HTTP status the client sees when this is the final outcome.
    pub fn status(&self) -> u16 {
        match self.kind {
            UpstreamErrorKind::FirstByteTimeout | UpstreamErrorKind::IdleTimeout => 504,
            UpstreamErrorKind::Connect | UpstreamErrorKind::Protocol => 502,
        }
    }

    /// A short stable label for the `x-plano-error` header and metrics.
    pub fn label(&self) -> &'static str {
        match self.kind {
            UpstreamErrorKind::Connect => "upstream_connect",
            UpstreamErrorKind::FirstByteTimeout => "upstream_timeout",
            UpstreamErrorKind::IdleTimeout => "upstream_idle_timeout",
            UpstreamErrorKind::Protocol => "upstream_protocol",
        }
    }
}

fn humanize(d: Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{} s", d.as_secs())
    }
}

/// An error and its sources, joined with `: `.
fn chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}
