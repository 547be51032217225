//! The access log: one line per model-listener request, and the per-request metrics, both
//! recorded when the response body is finished — or dropped, so a client that goes away
//! mid-stream is logged too.
//!
//! A [`Record`] is started when the request arrives and is a drop guard from then on: it
//! emits once, whether the response body ended, the client disconnected during the stream, or
//! the client left before the response head (status `-`). The line is a `tracing` event at
//! info with target `plano::access`; where it goes is the binary's business (`planoai up`
//! hands it to a non-blocking writer thread), so nothing here writes to a file or a socket.
//!
//! The request phases fill in what only they know (provider, upstream model, usage) through a
//! per-request [`Facts`], reachable as a tokio task-local while the handler runs: the phases in
//! between (`attempt`) need not carry it. Never logged: prompt text, bodies, headers other than
//! the request id, credentials.

use std::borrow::Cow;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderValue, Method, Response};
use http_body::{Body, Frame, SizeHint};
use plano_translate::Usage;

use crate::body::{BoxError, ResponseBody};
use crate::metrics::{Handler, Tokens};
use crate::state::Gateway;

/// What the request phases learned about an LLM request; each fact is set at most once.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    /// The provider the request resolved to (index into the provider list).
    pub provider: OnceLock<usize>,
    /// The `model` the client asked for.
    pub requested: OnceLock<String>,
    /// The model id sent upstream by the committed attempt.
    pub upstream_model: OnceLock<String>,
    /// The routing preference that chose the model, for routed requests.
    pub route: OnceLock<String>,
    /// Token usage seen by a stream translator (streams only: same-API bodies are never parsed
    /// just for this).
    pub usage: OnceLock<Usage>,
    /// The session binding routing saved, to refresh from the response's usage when the
    /// record ends (routed requests with a session only; boxed to keep `Facts` small).
    pub session: OnceLock<Box<crate::routing::SessionRefresh>>,
}

tokio::task_local! {
    static FACTS: Arc<Facts>;
}

/// Runs `f` with `facts` as the current request's facts.
pub(crate) async fn scope<F: Future>(facts: Arc<Facts>, f: F) -> F::Output {
    FACTS.scope(facts, f).await
}

/// The current request's facts, when running inside [`scope`].
pub(crate) fn current() -> Option<Arc<Facts>> {
    FACTS.try_with(Arc::clone).ok()
}

/// Notes something about the current request (no-op outside [`scope`]).
pub(crate) fn note(f: impl FnOnce(&Facts)) {
    let _ = FACTS.try_with(|facts| f(facts));
}

/// One request's access record; emits on drop.
pub(crate) struct Record {
    gw: Arc<Gateway>,
    listener: Arc<str>,
    handler: Handler,
    method: Method,
    path: Cow<'static, str>,
    request_id: HeaderValue,
    start: Instant,
    /// Status and time to the response head, once there is one.
    head: Option<(u16, Duration)>,
    /// From `x-plano-attempts` under a retry plan.
    attempts: Option<u32>,
    /// From `x-plano-provider` under a retry plan (the provider that served, after failover).
    served_by: Option<usize>,
    facts: Option<Arc<Facts>>,
    /// The body reached its end (as opposed to being dropped early).
    ended: bool,
    /// The response's `content-length`: hyper stops polling once that many bytes went out.
    length: Option<u64>,
    /// A 2xx event stream (SSE): counted in flight, and timed to its first bytes.
    streaming: bool,
    /// Time to the first body bytes handed to the client.
    first_data: Option<Duration>,
}

impl Record {
    pub fn start(
        gw: &Arc<Gateway>,
        listener: &Arc<str>,
        handler: Handler,
        method: &Method,
        path: Cow<'static, str>,
        request_id: &HeaderValue,
        facts: Option<Arc<Facts>>,
    ) -> Self {
        gw.metrics.request_started(handler);
        Record {
            gw: gw.clone(),
            listener: listener.clone(),
            handler,
            method: method.clone(),
            path,
            request_id: request_id.clone(),
            start: Instant::now(),
            head: None,
            attempts: None,
            served_by: None,
            facts,
            ended: false,
            length: None,
            streaming: false,
            first_data: None,
        }
    }

    /// The response head is ready: note its status and what the retry loop reported in it.
    pub fn head<B>(&mut self, resp: &Response<B>) {
        self.head = Some((resp.status().as_u16(), self.start.elapsed()));
        let h = resp.headers();
        self.streaming = resp.status().is_success()
            && h.get(http::header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
        if self.streaming {
            self.gw.metrics.stream(true);
        }
        self.length = h
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse().ok());
        if let Some(v) = h.get("x-plano-attempts") {
            let n = v.as_bytes().iter().filter(|b| **b == b',').count() + 1;
            self.attempts = u32::try_from(n).ok();
        }
        if let Some(v) = h.get("x-plano-provider") {
            self.served_by = self
                .gw
                .providers
                .iter()
                .position(|p| p.name.as_bytes() == v.as_bytes());
        }
        if let Some(label) = h.get(crate::error::X_PLANO_ERROR)
            && matches!(
                label.as_bytes(),
                b"unsupported_translation" | b"invalid_request"
            )
        {
            // Refused while encoding, before anything was sent upstream.
            self.attempts = Some(0);
        }
    }

    fn emit(&mut self) {
        let total = self.start.elapsed();
        let gw = &self.gw;
        let status = self.head.map(|(s, _)| s);
        gw.metrics.request_ended(self.handler, &self.method, status);
        let facts = self.facts.as_deref();
        let resolved = facts.and_then(|f| f.provider.get().copied());
        let provider = self.served_by.or(resolved);
        let attempts = self
            .attempts
            .unwrap_or(if resolved.is_some() { 1 } else { 0 });
        let usage = facts
            .and_then(|f| f.usage.get().copied())
            .filter(|u| *u != Usage::default());
        if let (Some(p), Some(s)) = (provider, status)
            && attempts > 0
        {
            let tokens = usage.map(|u| Tokens {
                prompt: u.input_tokens,
                completion: u.output_tokens,
                cache_read: u.cached_input_tokens,
            });
            gw.metrics.upstream(p, s, total, tokens);
            if self.streaming
                && let Some(t) = self.first_data
            {
                gw.metrics.first_token(p, t);
            }
        }
        if self.streaming {
            gw.metrics.stream(false);
        }
        // A routed session's binding, refreshed from real usage (spec §4.6) when the anchor's
        // provider answered 2xx and the usage is known: a stream's, or a translated body's.
        if gw.router.is_some()
            && let (Some(f), Some(200..=299)) = (facts, status)
            && let Some(plan) = f.session.get()
            && provider == Some(plan.provider)
            && let Some(u) = usage.or_else(|| plan.body_usage.get().copied())
        {
            crate::routing::refresh_session(gw, plan, u);
        }
        let ttft = self.first_data.filter(|_| self.streaming);
        tracing::info!(
            target: "plano::access",
            listener = %self.listener,
            method = %self.method,
            path = %self.path,
            status = %Show(status),
            model = %Show(facts.and_then(|f| f.requested.get()).map(|m| Clean(m))),
            provider = %Show(provider.and_then(|p| gw.providers.get(p)).map(|p| &p.name)),
            upstream_model = %Show(facts.and_then(|f| f.upstream_model.get())),
            route = %Show(facts.and_then(|f| f.route.get()).map(|r| Clean(r))),
            attempts,
            tokens_in = %Show(usage.map(|u| u.input_tokens)),
            tokens_out = %Show(usage.map(|u| u.output_tokens)),
            ttfb_ms = %Show(self.head.map(|(_, t)| Ms(t))),
            ttft_ms = %Show(ttft.map(Ms)),
            duration_ms = %Ms(total),
            completed = self.ended,
            request_id = %Clean(self.request_id.to_str().unwrap_or("-")),
            "access"
        );
    }
}

impl Drop for Record {
    fn drop(&mut self) {
        self.emit();
    }
}

/// A response body that completes its request's [`Record`] when it ends or is dropped.
pub struct AccessBody {
    // Field order matters: `inner` (the relay, which reports stream usage when dropped) is
    // dropped before `record` emits.
    inner: ResponseBody,
    record: Record,
    /// Data bytes handed to hyper so far.
    sent: u64,
}

impl AccessBody {
    pub(crate) fn new(inner: ResponseBody, record: Record) -> Self {
        AccessBody {
            inner,
            record,
            sent: 0,
        }
    }
}

impl Body for AccessBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(None) => this.record.ended = true,
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    if this.sent == 0 && !data.is_empty() && this.record.first_data.is_none() {
                        this.record.first_data = Some(this.record.start.elapsed());
                    }
                    this.sent += data.len() as u64;
                }
            }
            _ => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for AccessBody {
    fn drop(&mut self) {
        // hyper stops polling a body that says it has ended (a `Full` after its one frame) or
        // once `content-length` bytes went out.
        if self.inner.is_end_stream() || self.record.length.is_some_and(|n| self.sent >= n) {
            self.record.ended = true;
        }
    }
}

/// `-` for an unknown value.
struct Show<T>(Option<T>);

impl<T: fmt::Display> fmt::Display for Show<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(v) => v.fmt(f),
            None => f.write_str("-"),
        }
    }
}

/// A duration in milliseconds, one decimal.
#[derive(Clone, Copy)]
struct Ms(Duration);

impl fmt::Display for Ms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1}", self.0.as_secs_f64() * 1e3)
    }
}

/// A client-supplied string made safe for a log line: control characters (a forged line
/// break) become `?` and the length is capped.
struct Clean<'a>(&'a str);

impl fmt::Display for Clean<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        for c in self.0.chars().take(200) {
            f.write_char(if c.is_control() || c == ' ' { '?' } else { c })?;
        }
        Ok(())
    }
}
