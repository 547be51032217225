//! Prometheus metrics: counters kept as preallocated atomics, rendered on scrape.
//!
//! Every series is known at start-up: HTTP series are a fixed grid (handler × method × status
//! class) and LLM series have one row per configured provider, indexed like the provider list.
//! Recording a request is a handful of relaxed atomic adds — no lock, no map lookup, no string
//! built on the request path. Label strings are built once, here; the text exposition is
//! written only when `/metrics` is scraped ([`render`]).
//!
//! Names follow upstream's brightstaff metrics (spec §9.4) so existing dashboards keep working;
//! the resilience counters the gateway already keeps are exported as `plano_upstream_*`.

mod histogram;
mod process;
mod render;
mod routing;
mod serve;

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use http::Method;
use plano_config::Provider;

pub(crate) use histogram::Histogram;
pub(crate) use render::render;
pub(crate) use routing::{
    CacheEvent, DecisionKind, RouterFailure, RoutingMetrics, ServiceOutcome, SwitchReason,
};
pub(crate) use serve::respond;

/// What a model-listener request was for: the `handler` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Handler {
    LlmChat,
    RoutingDecision,
    ListModels,
    Health,
    CorsPreflight,
    NotFound,
}

impl Handler {
    pub const ALL: [Handler; 6] = [
        Handler::LlmChat,
        Handler::RoutingDecision,
        Handler::ListModels,
        Handler::Health,
        Handler::CorsPreflight,
        Handler::NotFound,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Handler::LlmChat => "llm_chat",
            Handler::RoutingDecision => "routing_decision",
            Handler::ListModels => "list_models",
            Handler::Health => "health",
            Handler::CorsPreflight => "cors_preflight",
            Handler::NotFound => "not_found",
        }
    }
}

/// The methods a model listener distinguishes; anything else counts as `other`.
const METHODS: [&str; 5] = ["GET", "POST", "OPTIONS", "HEAD", "other"];

fn method_index(m: &Method) -> usize {
    match *m {
        Method::GET => 0,
        Method::POST => 1,
        Method::OPTIONS => 2,
        Method::HEAD => 3,
        _ => 4,
    }
}

const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

fn class_index(status: u16) -> usize {
    usize::from(status / 100).clamp(1, 5) - 1
}

/// Token kinds, the `kind` label of `brightstaff_llm_tokens_total`.
const TOKEN_KINDS: [&str; 3] = ["prompt", "completion", "cache_read"];

/// Series of one configured provider.
#[derive(Debug)]
struct ProviderRow {
    /// `provider="…",model="…"`, escaped, built once.
    labels: String,
    /// The provider's name, for the `plano_upstream_*` series.
    name_label: String,
    requests: [AtomicU64; 5],
    tokens: [AtomicU64; 3],
    duration: Histogram,
    /// Streams only: from the request's arrival to the first body bytes sent to the client.
    ttft: Histogram,
}

/// Every counter of a running gateway.
#[derive(Debug)]
pub(crate) struct Metrics {
    /// `[handler][method][status class]`.
    http: [[[AtomicU64; 5]; 5]; 6],
    in_flight: [AtomicI64; 6],
    /// Streamed responses being sent right now.
    streams_in_flight: AtomicI64,
    providers: Box<[ProviderRow]>,
}

/// Tokens a request reported, when known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tokens {
    pub prompt: u64,
    pub completion: u64,
    pub cache_read: u64,
}

impl Metrics {
    pub fn new(providers: &[Provider]) -> Self {
        let mut seen = std::collections::HashSet::new();
        let rows = providers
            .iter()
            .map(|p| {
                // `provider`/`model` come from the configured `prefix/model` (spec §9.4). Two
                // entries with the same pair (one model under two keys) would collide into one
                // series, so the later one is labelled by its unique name instead.
                let provider = if seen.insert((p.prefix.as_str(), p.model_id.as_str())) {
                    p.prefix.as_str()
                } else {
                    p.name.as_str()
                };
                ProviderRow {
                    labels: format!(
                        "provider=\"{}\",model=\"{}\"",
                        render::escape(provider),
                        render::escape(&p.model_id)
                    ),
                    name_label: format!("provider=\"{}\"", render::escape(&p.name)),
                    requests: Default::default(),
                    tokens: Default::default(),
                    duration: Histogram::default(),
                    ttft: Histogram::default(),
                }
            })
            .collect();
        Metrics {
            http: Default::default(),
            in_flight: Default::default(),
            streams_in_flight: AtomicI64::new(0),
            providers: rows,
        }
    }

    pub fn request_started(&self, handler: Handler) {
        self.in_flight[handler as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// A request ended; `status` is `None` when the client went away before the response head.
    pub fn request_ended(&self, handler: Handler, method: &Method, status: Option<u16>) {
        self.in_flight[handler as usize].fetch_sub(1, Ordering::Relaxed);
        if let Some(s) = status {
            self.http[handler as usize][method_index(method)][class_index(s)]
                .fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A streamed response started (its head went out) or ended.
    pub fn stream(&self, started: bool) {
        let d = if started { 1 } else { -1 };
        self.streams_in_flight.fetch_add(d, Ordering::Relaxed);
    }

    /// A stream served by `provider` sent its first bytes `after` the request arrived.
    pub fn first_token(&self, provider: usize, after: Duration) {
        if let Some(row) = self.providers.get(provider) {
            row.ttft.observe(after);
        }
    }

    /// The outcome of an LLM request as served by `provider`.
    pub fn upstream(&self, provider: usize, status: u16, took: Duration, tokens: Option<Tokens>) {
        let Some(row) = self.providers.get(provider) else {
            return;
        };
        row.requests[class_index(status)].fetch_add(1, Ordering::Relaxed);
        row.duration.observe(took);
        if let Some(t) = tokens {
            for (counter, n) in row
                .tokens
                .iter()
                .zip([t.prompt, t.completion, t.cache_read])
            {
                if n > 0 {
                    counter.fetch_add(n, Ordering::Relaxed);
                }
            }
        }
    }
}
