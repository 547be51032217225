//! One Redis connection: TCP or TLS, authenticated, one command in flight at a time.
//!
//! Opening does everything a connection needs before it may carry a command — TCP connect, TLS
//! handshake for `rediss://`, `AUTH`, `SELECT` — under one connect timeout. A command is a write
//! and a read under one response timeout. Any error leaves the connection in an unknown state
//! (a reply may still be on its way), so the caller drops it instead of reusing it.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

use super::resp::{self, Decoded, Value};
use super::url::RedisUrl;
use crate::error::StoreError;

/// A byte stream to Redis: plain TCP or TLS over TCP.
trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

pub(crate) struct Connection {
    stream: Box<dyn Stream>,
    /// Reply bytes received but not yet decoded.
    read_buf: Vec<u8>,
    write_buf: Vec<u8>,
}

impl Connection {
    /// Connects, handshakes and authenticates within `timeout`.
    pub(crate) async fn open(
        url: &RedisUrl,
        tls: Option<&TlsConnector>,
        timeout: Duration,
    ) -> Result<Connection, StoreError> {
        tokio::time::timeout(timeout, Connection::open_inner(url, tls, timeout))
            .await
            .map_err(|_| StoreError::ConnectTimeout {
                addr: url.addr(),
                after: timeout,
            })?
    }

    async fn open_inner(
        url: &RedisUrl,
        tls: Option<&TlsConnector>,
        timeout: Duration,
    ) -> Result<Connection, StoreError> {
        let tcp = TcpStream::connect((url.host.as_str(), url.port))
            .await
            .map_err(|source| StoreError::Connect {
                addr: url.addr(),
                source,
            })?;
        // Commands are small and latency-bound; never wait to coalesce them.
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn Stream> = match tls {
            None => Box::new(tcp),
            Some(connector) => {
                let tls_error = |source| StoreError::Tls {
                    addr: url.addr(),
                    source,
                };
                let name = ServerName::try_from(url.host.clone()).map_err(|e| {
                    tls_error(std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
                })?;
                Box::new(connector.connect(name, tcp).await.map_err(tls_error)?)
            }
        };
        let mut conn = Connection {
            stream,
            read_buf: Vec::with_capacity(1024),
            write_buf: Vec::with_capacity(1024),
        };
        if let Some(password) = &url.password {
            let password = password.as_bytes();
            match &url.username {
                Some(user) => {
                    conn.call(&[b"AUTH", user.as_bytes(), password], timeout)
                        .await?
                }
                None => conn.call(&[b"AUTH", password], timeout).await?,
            };
        }
        if url.db != 0 {
            conn.call(&[b"SELECT", url.db.to_string().as_bytes()], timeout)
                .await?;
        }
        Ok(conn)
    }

    /// Sends one command and waits for its reply. An error reply becomes
    /// [`StoreError::Server`] naming the command (never its arguments, which may hold the
    /// password).
    pub(crate) async fn call(
        &mut self,
        args: &[&[u8]],
        timeout: Duration,
    ) -> Result<Value, StoreError> {
        let reply = tokio::time::timeout(timeout, self.round_trip(args))
            .await
            .map_err(|_| StoreError::Timeout(timeout))??;
        match reply {
            Value::Error(message) => Err(StoreError::Server {
                command: command_name(args),
                message,
            }),
            value => Ok(value),
        }
    }

    async fn round_trip(&mut self, args: &[&[u8]]) -> Result<Value, StoreError> {
        self.write_buf.clear();
        resp::encode_command(args, &mut self.write_buf);
        self.stream
            .write_all(&self.write_buf)
            .await
            .map_err(StoreError::Io)?;
        self.stream.flush().await.map_err(StoreError::Io)?;
        self.read_reply().await
    }

    async fn read_reply(&mut self) -> Result<Value, StoreError> {
        loop {
            // The buffer is empty after every whole reply, so this first decode only matters
            // after a partial read; it is cheap either way.
            match resp::decode(&self.read_buf).map_err(|e| StoreError::Protocol(e.to_string()))? {
                Decoded::Frame { value, len } => {
                    self.read_buf.drain(..len);
                    return Ok(value);
                }
                Decoded::NeedMore => {}
            }
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk).await.map_err(StoreError::Io)?;
            if n == 0 {
                return Err(StoreError::Closed);
            }
            self.read_buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// The command's name for error messages, e.g. `AUTH`.
fn command_name(args: &[&[u8]]) -> String {
    let name = args.first().copied().unwrap_or_default();
    String::from_utf8_lossy(&name[..name.len().min(32)]).to_ascii_uppercase()
}
