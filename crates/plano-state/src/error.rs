//! Why a store operation failed.
//!
//! The gateway fails open on every runtime error (a failed read is a miss, a failed write is
//! dropped), so these errors exist to be logged and counted, not matched on message text:
//! [`StoreError::label`] gives a fixed metric label. None of them carries the Redis URL — only
//! `host:port` — so a password in the URL cannot reach a log line.

use std::time::Duration;

/// A session store operation that did not complete.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The Redis URL is malformed. The reason never repeats the URL.
    #[error("invalid Redis URL: {0}")]
    InvalidUrl(String),
    /// TCP connect to Redis failed.
    #[error("cannot connect to Redis at {addr}: {source}")]
    Connect {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    /// The TLS handshake with Redis failed (`rediss://`).
    #[error("TLS handshake with Redis at {addr} failed: {source}")]
    Tls {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    /// Connecting (TCP, TLS, AUTH, SELECT) took longer than the connect timeout.
    #[error("connecting to Redis at {addr} timed out after {after:?}")]
    ConnectTimeout { addr: String, after: Duration },
    /// A recent connect attempt failed; the store does not retry until the back-off passes, so an
    /// outage costs requests nothing.
    #[error("Redis at {addr} is unavailable (reconnecting)")]
    Unavailable { addr: String },
    /// Reading or writing an open connection failed.
    #[error("Redis I/O error: {0}")]
    Io(#[source] std::io::Error),
    /// Redis closed the connection.
    #[error("Redis closed the connection")]
    Closed,
    /// No reply (or no free connection) within the response timeout.
    #[error("Redis did not answer within {0:?}")]
    Timeout(Duration),
    /// The reply was not valid RESP, or not the type the command returns.
    #[error("Redis protocol error: {0}")]
    Protocol(String),
    /// Redis answered with an error reply (`-ERR …`, `-WRONGPASS …`).
    #[error("Redis {command} failed: {message}")]
    Server { command: String, message: String },
    /// The stored value is not a binding (written by something else, or by an incompatible
    /// version). Callers treat it as a miss.
    #[error("stored session binding is not valid: {0}")]
    BadValue(#[source] serde_json::Error),
    /// The binding could not be serialized.
    #[error("cannot serialize session binding: {0}")]
    Encode(#[source] serde_json::Error),
}

impl StoreError {
    /// A fixed, low-cardinality name for metrics and logs.
    pub fn label(&self) -> &'static str {
        match self {
            StoreError::InvalidUrl(_) => "invalid_url",
            StoreError::Connect { .. } => "connect",
            StoreError::Tls { .. } => "tls",
            StoreError::ConnectTimeout { .. } => "connect_timeout",
            StoreError::Unavailable { .. } => "unavailable",
            StoreError::Io(_) => "io",
            StoreError::Closed => "closed",
            StoreError::Timeout(_) => "timeout",
            StoreError::Protocol(_) => "protocol",
            StoreError::Server { .. } => "server",
            StoreError::BadValue(_) => "bad_value",
            StoreError::Encode(_) => "encode",
        }
    }

    /// True when the failure says the connection itself is gone, so a request sent on a reused
    /// (possibly stale) connection may safely be repeated once on a fresh one.
    pub(crate) fn is_broken_connection(&self) -> bool {
        matches!(self, StoreError::Io(_) | StoreError::Closed)
    }
}
