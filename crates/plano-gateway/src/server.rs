//! Listening sockets, connection serving and graceful shutdown.
//!
//! Each accepted connection is served by hyper-util's auto builder (HTTP/1.1 with keep-alive,
//! or h2c when the client opens with the HTTP/2 preface), with `TCP_NODELAY` set. Connection
//! tasks are owned by a [`TaskTracker`], so shutdown can wait for them: on the shutdown signal
//! the listeners stop accepting, every connection is told to finish its in-flight requests
//! (streams included), and [`Server::run`] returns once they have — or when the drain deadline
//! passes.
//!
//! The [`Gateway`] is held in a [`GatewayHandle`] and loaded once per request, so it can be
//! replaced while serving (config reload): a request keeps the `Arc<Gateway>` it started with
//! until its response body ends, and the next request — on a new connection or an open
//! keep-alive one — gets the new gateway. Loading is one atomic operation, no lock.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio_util::task::TaskTracker;

use crate::state::Gateway;

/// A bound listening socket and the name of the config listener it serves.
pub struct BoundListener {
    pub name: String,
    pub listener: TcpListener,
}

impl BoundListener {
    pub async fn bind(name: impl Into<String>, addr: SocketAddr) -> io::Result<Self> {
        Ok(BoundListener {
            name: name.into(),
            listener: TcpListener::bind(addr).await?,
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

/// The gateway a [`Server`] serves, replaceable while it runs (config reload). Clones share it.
#[derive(Clone)]
pub struct GatewayHandle(Arc<ArcSwap<Gateway>>);

impl GatewayHandle {
    pub fn new(gateway: Arc<Gateway>) -> Self {
        GatewayHandle(Arc::new(ArcSwap::new(gateway)))
    }

    /// The gateway new requests get now.
    pub fn current(&self) -> Arc<Gateway> {
        self.0.load_full()
    }

    /// Makes `gateway` the one every new request gets; requests in flight finish on the
    /// gateway they started with. Returns the previous one.
    pub fn store(&self, gateway: Arc<Gateway>) -> Arc<Gateway> {
        self.0.swap(gateway)
    }
}

impl std::fmt::Debug for GatewayHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewayHandle").finish_non_exhaustive()
    }
}

pub struct Server {
    gateway: GatewayHandle,
    listeners: Vec<BoundListener>,
    /// The separate Prometheus listener (`GET /metrics`), if any.
    metrics: Option<TcpListener>,
    drain_timeout: Duration,
}

impl Server {
    pub fn new(gateway: Arc<Gateway>, listeners: Vec<BoundListener>) -> Self {
        Server::with_handle(GatewayHandle::new(gateway), listeners)
    }

    /// A server whose gateway can be replaced through `handle` (or [`Server::handle`]).
    pub fn with_handle(handle: GatewayHandle, listeners: Vec<BoundListener>) -> Self {
        Server {
            gateway: handle,
            listeners,
            metrics: None,
            drain_timeout: Duration::from_secs(30),
        }
    }

    /// The handle through which the served gateway can be replaced (see [`GatewayHandle`]).
    pub fn handle(&self) -> GatewayHandle {
        self.gateway.clone()
    }

    /// How long shutdown waits for in-flight requests before giving up on them.
    pub fn drain_timeout(mut self, d: Duration) -> Self {
        self.drain_timeout = d;
        self
    }

    /// Also serve `GET /metrics` (Prometheus text format) on `listener`. It is a listener of
    /// its own so that scrapes never share a port, a limit or an access log with LLM traffic.
    pub fn metrics_listener(mut self, listener: TcpListener) -> Self {
        self.metrics = Some(listener);
        self
    }

    /// Serves until `shutdown` completes, then drains.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> io::Result<()> {
        let graceful = Arc::new(GracefulShutdown::new());
        let tracker = TaskTracker::new();
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut accept_loops = tokio::task::JoinSet::new();

        if let Some(metrics) = self.metrics {
            let gateway = self.gateway.clone();
            let mut stop = stop_rx.clone();
            accept_loops.spawn(async move {
                loop {
                    tokio::select! {
                        _ = stop.changed() => break,
                        accepted = metrics.accept() => match accepted {
                            Ok((stream, _peer)) => serve_metrics(&gateway, stream),
                            Err(err) => {
                                tracing::warn!(error = %err, "metrics accept failed");
                                tokio::time::sleep(Duration::from_millis(50)).await;
                            }
                        },
                    }
                }
            });
        }
        for bound in self.listeners {
            let gateway = self.gateway.clone();
            let name: Arc<str> = Arc::from(bound.name.as_str());
            let graceful = graceful.clone();
            let conns = tracker.clone();
            let mut stop = stop_rx.clone();
            accept_loops.spawn(async move {
                loop {
                    tokio::select! {
                        _ = stop.changed() => break,
                        accepted = bound.listener.accept() => match accepted {
                            Ok((stream, _peer)) => {
                                let _ = stream.set_nodelay(true);
                                serve_connection(&gateway, &name, &graceful, &conns, stream);
                            }
                            Err(err) => {
                                // Typically EMFILE; back off instead of spinning.
                                tracing::warn!(listener = %bound.name, error = %err, "accept failed");
                                tokio::time::sleep(Duration::from_millis(50)).await;
                            }
                        },
                    }
                }
            });
        }

        shutdown.await;
        tracing::info!("shutting down: no new connections, draining in-flight requests");
        let _ = stop_tx.send(true);
        // The accept loops hold clones of `graceful`; once they are gone it can be consumed.
        while accept_loops.join_next().await.is_some() {}
        tracker.close();
        let graceful = Arc::try_unwrap(graceful).ok();
        let drain = async {
            if let Some(g) = graceful {
                g.shutdown().await;
            }
            tracker.wait().await;
        };
        if tokio::time::timeout(self.drain_timeout, drain)
            .await
            .is_err()
        {
            tracing::warn!(timeout = ?self.drain_timeout, "drain deadline passed; closing remaining connections");
        }
        Ok(())
    }
}

fn serve_connection(
    gateway: &GatewayHandle,
    listener: &Arc<str>,
    graceful: &GracefulShutdown,
    tracker: &TaskTracker,
    stream: tokio::net::TcpStream,
) {
    let shared = gateway.clone();
    let listener = listener.clone();
    let service = service_fn(move |req| {
        // Per request, not per connection: a keep-alive connection picks up a reload.
        let gw = shared.current();
        let listener = listener.clone();
        async move { Ok::<_, Infallible>(crate::routes::route(&gw, &listener, req).await) }
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30));
    let conn = builder
        .serve_connection(TokioIo::new(stream), service)
        .into_owned();
    let conn = graceful.watch(conn);
    tracker.spawn(async move {
        if let Err(err) = conn.await {
            tracing::debug!(error = %err, "connection ended with an error");
        }
    });
}

/// A scrape connection: HTTP/1.1 only, not tracked by the drain (a scrape in flight at
/// shutdown is not worth waiting for).
fn serve_metrics(gateway: &GatewayHandle, stream: tokio::net::TcpStream) {
    let shared = gateway.clone();
    let service = service_fn(move |req| {
        let r = crate::metrics::respond(&shared.current(), &req);
        async move { Ok::<_, Infallible>(r) }
    });
    tokio::spawn(async move {
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(Duration::from_secs(30))
            .serve_connection(TokioIo::new(stream), service);
        if let Err(err) = conn.await {
            tracing::debug!(error = %err, "metrics connection ended with an error");
        }
    });
}
