//! [`MockLlm`]: bind a real socket, accept connections and serve each one with hyper-util's
//! auto builder (HTTP/1.1 keep-alive, or h2c when the client speaks the HTTP/2 preface).
//!
//! Shutdown: the accept loop owns every connection task in a `JoinSet`; when the handle
//! shuts down or is dropped, the loop ends and dropping the set aborts in-flight
//! connections, so a test never waits on a scripted 60-second delay.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::handler;
use crate::record::RecordedRequest;
use crate::reply::Reply;
use crate::state::Shared;

/// A running mock provider. Dropping it stops the server too; [`MockLlm::shutdown`] also
/// waits for the accept loop to finish.
pub struct MockLlm {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl MockLlm {
    /// Serve on `127.0.0.1` with an ephemeral port.
    pub async fn start() -> io::Result<MockLlm> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Serve on `addr` (port 0 picks a free one).
    pub async fn start_on(addr: SocketAddr) -> io::Result<MockLlm> {
        let listener = TcpListener::bind(addr).await?;
        Self::from_listener(listener)
    }

    /// Serve on an already bound listener. Must be called inside a tokio runtime.
    pub fn from_listener(listener: TcpListener) -> io::Result<MockLlm> {
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new());
        let (tx, rx) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, shared.clone(), rx));
        Ok(MockLlm {
            addr,
            shared,
            shutdown: tx,
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://IP:PORT`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `base_url()` + `path` (which should start with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Every request received while recording was on, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }

    /// The most recent recorded request.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.shared.requests().pop()
    }

    pub fn clear_requests(&self) {
        self.shared.clear_requests();
    }

    /// Script the reply to the next request without one; replies are consumed FIFO.
    pub fn enqueue(&self, reply: Reply) {
        self.shared.enqueue(reply);
    }

    /// Scripted replies not consumed yet.
    pub fn pending_replies(&self) -> usize {
        self.shared.pending_replies()
    }

    pub fn clear_replies(&self) {
        self.shared.clear_replies();
    }

    /// Router mode: requests for `model` are answered `{"route": ["<route>"]}` for the first
    /// `(keyword, route)` whose keyword occurs in the prompt's conversation, `{"route": []}`
    /// otherwise; they never consume scripted replies.
    pub fn serve_router<'a>(
        &self,
        model: &str,
        rules: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) {
        let rules = rules
            .into_iter()
            .map(|(k, r)| (k.to_owned(), r.to_owned()))
            .collect();
        self.shared
            .set_router(crate::router::RouterRules::new(model, rules));
    }

    /// Recording is on by default; benchmarks turn it off.
    pub fn set_recording(&self, on: bool) {
        self.shared.set_recording(on);
    }

    /// Default number of content events per stream (`None` = one per token).
    pub fn set_default_stream_chunks(&self, n: Option<usize>) {
        self.shared.set_default_stream_chunks(n);
    }

    /// Default delay between stream events (`None` = none).
    pub fn set_default_chunk_delay(&self, delay: Option<Duration>) {
        self.shared.set_default_chunk_delay(delay);
    }

    /// Stop accepting, abort open connections and wait for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            // A JoinError here only means the task panicked or was cancelled: either way
            // the server is gone, which is what the caller asked for.
            let _ = task.await;
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let builder = Arc::new(auto::Builder::new(TokioExecutor::new()));
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            biased;
            // Ok: shutdown() was called; Err: the handle was dropped. Stop either way.
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    // SSE events are small writes that must leave immediately.
                    let _ = stream.set_nodelay(true);
                    let shared = shared.clone();
                    let builder = builder.clone();
                    conns.spawn(async move {
                        let svc = service_fn(move |req| handler::handle(shared.clone(), req));
                        // Errors are clients hanging up or scripted cuts; nothing to report.
                        let _ = builder.serve_connection(TokioIo::new(stream), svc).await;
                    });
                }
                // Out of file descriptors and similar: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}
