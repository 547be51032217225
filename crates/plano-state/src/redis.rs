//! The Redis binding store, shared by every gateway replica pointed at the same Redis.
//!
//! Each binding is one key, `plano:affinity:<session key>`, holding the binding's JSON, written
//! with `SET key value EX <secs>` so Redis expires it, and read with `GET`. The client is ours:
//! the store needs two commands, so a RESP2 codec ([`resp`]), a connection (`connection`) and a
//! pool (`pool`) cost less than a general-purpose client and its dependency tree.
//!
//! # Layout
//! - `url`: the `redis://` / `rediss://` URL, with the password kept out of every message.
//! - [`resp`]: the pure RESP2 encoder and incremental decoder.
//! - `connection`: one TCP or TLS connection with `AUTH`/`SELECT` done.
//! - `pool`: idle connections, reconnection, connect back-off, in-flight bound.

mod connection;
mod pool;
pub mod resp;
mod url;

use std::sync::Arc;
use std::time::Duration;

use tokio_rustls::TlsConnector;

use crate::binding::Binding;
use crate::error::StoreError;
use pool::Pool;
pub use resp::Value;
pub use url::RedisUrl;

/// Prefix of every key the store writes.
pub const KEY_PREFIX: &str = "plano:affinity:";

/// Connection and pool limits. The defaults are the spec's (5 s connect, 2 s response).
#[derive(Debug, Clone)]
pub struct RedisOptions {
    /// Bound on TCP connect + TLS handshake + `AUTH` + `SELECT`.
    pub connect_timeout: Duration,
    /// Bound on one command: waiting for a connection slot, writing, and reading the reply.
    pub response_timeout: Duration,
    /// Connections kept open between commands.
    pub max_idle: usize,
    /// Commands in flight at once (so open connections ≤ `max_in_flight` + `max_idle`).
    pub max_in_flight: usize,
    /// After a failed connect, fail commands at once for this long instead of reconnecting.
    pub reconnect_backoff: Duration,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            connect_timeout: Duration::from_secs(5),
            response_timeout: Duration::from_secs(2),
            max_idle: 8,
            max_in_flight: 64,
            reconnect_backoff: Duration::from_secs(1),
        }
    }
}

/// Bindings in Redis.
pub struct RedisStore {
    // Boxed so a `SessionStore` is small whichever store it holds.
    pool: Box<Pool>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("addr", &self.pool.addr())
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Parses `url`, connects once (proving Redis is reachable and the credentials work) and
    /// keeps that connection for the first command.
    pub async fn connect(url: &str, options: RedisOptions) -> Result<RedisStore, StoreError> {
        let url = RedisUrl::parse(url)?;
        let tls = url.tls.then(|| tls_connector(&url)).transpose()?;
        let pool = Box::new(Pool::new(url, tls, options));
        pool.warm_up().await?;
        Ok(RedisStore { pool })
    }

    /// Like [`RedisStore::connect`] without connecting: the first command does, and a server
    /// that is down costs each command only the pool's back-off check. For a gateway that
    /// starts — and serves, failing open — while Redis is unreachable.
    pub fn lazy(url: &str, options: RedisOptions) -> Result<RedisStore, StoreError> {
        let url = RedisUrl::parse(url)?;
        let tls = url.tls.then(|| tls_connector(&url)).transpose()?;
        Ok(RedisStore {
            pool: Box::new(Pool::new(url, tls, options)),
        })
    }

    /// The Redis key a session key is stored under.
    pub fn redis_key(key: &str) -> String {
        let mut out = String::with_capacity(KEY_PREFIX.len() + key.len());
        out.push_str(KEY_PREFIX);
        out.push_str(key);
        out
    }

    /// The binding for session `key`; a missing (or expired) key is `Ok(None)`.
    pub async fn get(&self, key: &str) -> Result<Option<Binding>, StoreError> {
        let redis_key = RedisStore::redis_key(key);
        match self.pool.run(&[b"GET", redis_key.as_bytes()]).await? {
            Value::Nil => Ok(None),
            Value::Bulk(json) => serde_json::from_slice(&json)
                .map(Some)
                .map_err(StoreError::BadValue),
            other => Err(unexpected("GET", &other)),
        }
    }

    /// Stores `binding` for `ttl`, rounded up to whole seconds and at least one (Redis `EX`).
    pub async fn put(&self, key: &str, binding: &Binding, ttl: Duration) -> Result<(), StoreError> {
        let redis_key = RedisStore::redis_key(key);
        let json = serde_json::to_vec(binding).map_err(StoreError::Encode)?;
        let secs = ttl_secs(ttl).to_string();
        match self
            .pool
            .run(&[b"SET", redis_key.as_bytes(), &json, b"EX", secs.as_bytes()])
            .await?
        {
            Value::Simple(ok) if ok == "OK" => Ok(()),
            other => Err(unexpected("SET", &other)),
        }
    }

    /// Runs any command on a pooled connection and returns the raw reply (error replies become
    /// [`StoreError::Server`]). For diagnostics and tests; the store itself only uses GET/SET.
    /// Like every command here it may be sent twice if its connection turns out to be stale, so
    /// only send idempotent commands.
    pub async fn command(&self, args: &[&[u8]]) -> Result<Value, StoreError> {
        self.pool.run(args).await
    }

    /// `host:port` of the server.
    pub fn addr(&self) -> String {
        self.pool.addr()
    }

    /// Idle pooled connections right now.
    pub fn idle_connections(&self) -> usize {
        self.pool.idle_len()
    }

    /// Closes every idle connection; the next command reconnects.
    pub fn drop_idle_connections(&self) {
        self.pool.clear_idle();
    }
}

/// Redis `EX` takes whole seconds ≥ 1; round up so a binding never expires early.
fn ttl_secs(ttl: Duration) -> u64 {
    let secs = ttl.as_secs() + u64::from(ttl.subsec_nanos() > 0);
    secs.max(1)
}

fn unexpected(command: &str, reply: &Value) -> StoreError {
    let kind = match reply {
        Value::Simple(_) => "a simple string",
        Value::Error(_) => "an error",
        Value::Integer(_) => "an integer",
        Value::Bulk(_) => "a bulk string",
        Value::Nil => "nil",
        Value::Array(_) => "an array",
    };
    StoreError::Protocol(format!("unexpected reply to {command}: {kind}"))
}

/// TLS for `rediss://`: the webpki roots, the ring provider (the workspace's only crypto
/// provider), TLS 1.2 and 1.3.
fn tls_connector(url: &RedisUrl) -> Result<TlsConnector, StoreError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Tls {
            addr: url.addr(),
            source: std::io::Error::other(e),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

#[cfg(test)]
mod tests;
