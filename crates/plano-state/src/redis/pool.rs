//! A small pool of Redis connections that heals itself.
//!
//! Connections are made on demand and up to `max_idle` are kept between requests (last in,
//! first out, so a quiet gateway keeps few sockets warm). A connection that saw any error is
//! dropped, never returned, so the next request reconnects. Two more rules keep an outage cheap:
//!
//! * **Retry once on a stale connection.** An idle connection may have been closed by the server
//!   (its `timeout` setting, a restart, `CLIENT KILL`) without us noticing. When a command on a
//!   *reused* connection fails with an I/O error or EOF, it is sent once more on a fresh one —
//!   safe because the store only issues idempotent commands (`GET`, `SET … EX`).
//! * **Back off after a failed connect.** For `reconnect_backoff` after a connect fails, requests
//!   fail at once with [`StoreError::Unavailable`] instead of each waiting out the connect
//!   timeout; the gateway treats that as a miss.
//!
//! In-flight commands are bounded by a semaphore (`max_in_flight`); waiting for a permit counts
//! against the response timeout. No lock is held across an `await`.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use tokio::sync::Semaphore;
use tokio_rustls::TlsConnector;

use super::RedisOptions;
use super::connection::Connection;
use super::resp::Value;
use super::url::RedisUrl;
use crate::error::StoreError;

pub(crate) struct Pool {
    url: RedisUrl,
    tls: Option<TlsConnector>,
    options: RedisOptions,
    idle: Mutex<Vec<Connection>>,
    in_flight: Semaphore,
    /// Set after a failed connect: until then, do not try again.
    down_until: Mutex<Option<Instant>>,
}

impl Pool {
    pub(crate) fn new(url: RedisUrl, tls: Option<TlsConnector>, options: RedisOptions) -> Pool {
        Pool {
            in_flight: Semaphore::new(options.max_in_flight.max(1)),
            url,
            tls,
            options,
            idle: Mutex::new(Vec::new()),
            down_until: Mutex::new(None),
        }
    }

    pub(crate) fn addr(&self) -> String {
        self.url.addr()
    }

    /// Opens one connection, pings, and keeps it idle: proves Redis is reachable and the
    /// credentials work. Not subject to the back-off.
    pub(crate) async fn warm_up(&self) -> Result<(), StoreError> {
        let mut conn = self.open().await?;
        // PING proves the peer speaks RESP and accepts us (a server with a password answers
        // NOAUTH when the URL has none).
        conn.call(&[b"PING"], self.options.response_timeout).await?;
        self.release(conn);
        Ok(())
    }

    /// Runs one idempotent command on a pooled connection.
    pub(crate) async fn run(&self, args: &[&[u8]]) -> Result<Value, StoreError> {
        let timeout = self.options.response_timeout;
        let _permit = tokio::time::timeout(timeout, self.in_flight.acquire())
            .await
            .map_err(|_| StoreError::Timeout(timeout))?
            // The semaphore is never closed.
            .map_err(|_| StoreError::Unavailable { addr: self.addr() })?;

        if let Some(mut conn) = self.take_idle() {
            match conn.call(args, timeout).await {
                Ok(value) => {
                    self.release(conn);
                    return Ok(value);
                }
                Err(e) if e.is_broken_connection() => {
                    tracing::debug!(target: "plano::state", error = %e, "stale Redis connection; reconnecting");
                }
                Err(e) => return Err(e),
            }
        }
        let mut conn = self.connect().await?;
        let value = conn.call(args, timeout).await?;
        self.release(conn);
        Ok(value)
    }

    /// Drops every idle connection (the next command reconnects).
    pub(crate) fn clear_idle(&self) {
        lock(&self.idle).clear();
    }

    /// Idle connections held right now.
    pub(crate) fn idle_len(&self) -> usize {
        lock(&self.idle).len()
    }

    fn take_idle(&self) -> Option<Connection> {
        lock(&self.idle).pop()
    }

    fn release(&self, conn: Connection) {
        let mut idle = lock(&self.idle);
        if idle.len() < self.options.max_idle {
            idle.push(conn);
        }
    }

    /// A new connection, unless a recent connect failed.
    async fn connect(&self) -> Result<Connection, StoreError> {
        if lock(&self.down_until).is_some_and(|until| Instant::now() < until) {
            return Err(StoreError::Unavailable { addr: self.addr() });
        }
        self.open().await
    }

    async fn open(&self) -> Result<Connection, StoreError> {
        match Connection::open(&self.url, self.tls.as_ref(), self.options.connect_timeout).await {
            Ok(conn) => {
                *lock(&self.down_until) = None;
                Ok(conn)
            }
            Err(e) => {
                tracing::warn!(target: "plano::state", error = %e, "Redis connect failed");
                *lock(&self.down_until) =
                    Instant::now().checked_add(self.options.reconnect_backoff);
                Err(e)
            }
        }
    }
}

/// Pool state stays consistent across a panic elsewhere (each critical section is one push, pop
/// or assignment), so a poisoned lock is used as is.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
