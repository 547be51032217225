//! State shared between the [`MockLlm`](crate::MockLlm) handle and the request handlers.
//!
//! Every request touches this, so the hot path is lock-free when nothing is scripted and
//! recording is off: two relaxed atomic loads. The mutexes are std ones and are never held
//! across an `.await`.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use crate::record::RecordedRequest;
use crate::reply::Reply;
use crate::router::RouterRules;

pub(crate) struct Shared {
    recording: AtomicBool,
    requests: Mutex<Vec<RecordedRequest>>,
    queue: Mutex<VecDeque<Reply>>,
    /// Mirrors `queue.len()` so the default path skips the lock.
    queued: AtomicUsize,
    /// Default content events per stream (0 = one per token), for the benchmark knob.
    stream_chunks: AtomicUsize,
    /// Default delay between stream events in nanoseconds (0 = none).
    chunk_delay_ns: AtomicU64,
    /// Router mode (see `router`); the flag spares the lock when it is off.
    routing: AtomicBool,
    router: Mutex<Option<RouterRules>>,
}

impl Shared {
    pub(crate) fn new() -> Self {
        Shared {
            recording: AtomicBool::new(true),
            requests: Mutex::new(Vec::new()),
            queue: Mutex::new(VecDeque::new()),
            queued: AtomicUsize::new(0),
            stream_chunks: AtomicUsize::new(0),
            chunk_delay_ns: AtomicU64::new(0),
            routing: AtomicBool::new(false),
            router: Mutex::new(None),
        }
    }

    pub(crate) fn set_router(&self, rules: RouterRules) {
        *self.router.lock().unwrap_or_else(|e| e.into_inner()) = Some(rules);
        self.routing.store(true, Ordering::Release);
    }

    /// The router-mode answer to `body`, when it is a routing question.
    pub(crate) fn router_answer(&self, body: &[u8]) -> Option<String> {
        if !self.routing.load(Ordering::Acquire) {
            return None;
        }
        let rules = self
            .router
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()?;
        rules.answer(body)
    }

    pub(crate) fn is_recording(&self) -> bool {
        self.recording.load(Ordering::Relaxed)
    }

    pub(crate) fn set_recording(&self, on: bool) {
        self.recording.store(on, Ordering::Relaxed);
    }

    pub(crate) fn record(&self, req: RecordedRequest) {
        // A poisoned lock only means a test thread panicked while holding it; the Vec is
        // still valid, so keep serving rather than cascade the panic.
        let mut guard = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        guard.push(req);
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn clear_requests(&self) {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    pub(crate) fn enqueue(&self, reply: Reply) {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        q.push_back(reply);
        self.queued.store(q.len(), Ordering::Release);
    }

    pub(crate) fn next_reply(&self) -> Option<Reply> {
        if self.queued.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let reply = q.pop_front();
        self.queued.store(q.len(), Ordering::Release);
        reply
    }

    pub(crate) fn pending_replies(&self) -> usize {
        self.queued.load(Ordering::Acquire)
    }

    pub(crate) fn clear_replies(&self) {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        q.clear();
        self.queued.store(0, Ordering::Release);
    }

    pub(crate) fn default_stream_chunks(&self) -> Option<usize> {
        match self.stream_chunks.load(Ordering::Relaxed) {
            0 => None,
            n => Some(n),
        }
    }

    pub(crate) fn set_default_stream_chunks(&self, n: Option<usize>) {
        self.stream_chunks.store(n.unwrap_or(0), Ordering::Relaxed);
    }

    pub(crate) fn default_chunk_delay(&self) -> Option<Duration> {
        match self.chunk_delay_ns.load(Ordering::Relaxed) {
            0 => None,
            ns => Some(Duration::from_nanos(ns)),
        }
    }

    pub(crate) fn set_default_chunk_delay(&self, delay: Option<Duration>) {
        let ns = delay.map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        self.chunk_delay_ns.store(ns, Ordering::Relaxed);
    }
}
