//! [`Gateway`]: everything a request needs, computed once from the validated config and then
//! shared read-only by every connection — plus provider health and resilience counters, which
//! are shared *and* written, but only through atomics (no locks on the hot path).

use std::collections::BTreeSet;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderValue;
use plano_config::{Config, Listener, ListenerKind, Provider};
use plano_upstream::auth::{HeaderConfigError, ProviderHeaders};
use plano_upstream::client::ClientBuildError;
use plano_upstream::{
    HealthTable, HttpClients, ProviderStats, ResilienceStats, TlsOptions, UpstreamClient,
    UpstreamTarget,
};

use crate::failover::{self, Failover};
use crate::metrics::Metrics;
use crate::resolve::Resolver;
use crate::routing::Router;

/// Idle timeout for upstream bodies when neither provider nor listener says otherwise.
const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// A provider with everything precomputed for the hot path.
#[derive(Debug)]
pub(crate) struct Upstream {
    pub config: Provider,
    pub target: UpstreamTarget,
    pub headers: ProviderHeaders,
    pub client: UpstreamClient,
    /// The provider's name as an `x-plano-provider` value (`None` if not a valid header value).
    pub name_header: Option<HeaderValue>,
}

/// Per-listener limits.
#[derive(Debug, Clone)]
pub(crate) struct ListenerLimits {
    pub max_body_bytes: usize,
    pub timeout: Duration,
}

/// The shared, read-only state of a running gateway.
#[derive(Debug)]
pub struct Gateway {
    pub(crate) upstreams: Vec<Upstream>,
    pub(crate) providers: Vec<Provider>,
    pub(crate) resolver: Resolver,
    pub(crate) models_json: Bytes,
    pub(crate) limits: ListenerLimits,
    /// Retry plan and failover chain per provider; `None`: one attempt, nothing added.
    pub(crate) failover: Vec<Option<Failover>>,
    /// Provider prefix groups (`same_provider`), per provider.
    pub(crate) groups: Vec<u32>,
    /// Cool-downs and circuit breakers, per provider, process-wide.
    pub(crate) health: HealthTable,
    pub(crate) stats: ResilienceStats,
    /// Prometheus counters (`/metrics`), one preallocated row per provider.
    pub(crate) metrics: Metrics,
    /// Preference routing, when the config has a router (routes or `llm_routing_model`).
    pub(crate) router: Option<Router>,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the config has no model listener")]
    NoModelListener,
    #[error("provider '{0}' has neither a base_url nor a default host")]
    NoEndpoint(String),
    #[error(transparent)]
    Headers(#[from] HeaderConfigError),
    #[error(transparent)]
    Client(#[from] ClientBuildError),
}

impl Gateway {
    /// Builds the gateway for the config's model listener.
    pub fn new(config: &Config) -> Result<Self, BuildError> {
        let listener = config.model_listener().ok_or(BuildError::NoModelListener)?;
        let connect_timeouts: BTreeSet<Duration> =
            config.providers.iter().map(|p| p.connect_timeout).collect();
        let tls = TlsOptions {
            ca_file: config.overrides.upstream_tls_ca_path.clone(),
        };
        let clients = HttpClients::new(connect_timeouts, &tls)?;

        let mut upstreams = Vec::with_capacity(config.providers.len());
        for p in &config.providers {
            let target = UpstreamTarget::for_provider(p)
                .ok_or_else(|| BuildError::NoEndpoint(p.name.clone()))?;
            let headers = ProviderHeaders::new(p)?;
            let client = clients
                .get(p.connect_timeout)
                .cloned()
                .ok_or_else(|| BuildError::NoEndpoint(p.name.clone()))?;
            upstreams.push(Upstream {
                config: p.clone(),
                target,
                headers,
                client,
                name_header: HeaderValue::from_str(&p.name).ok(),
            });
        }
        let resolver = Resolver::new(config);
        let limits = limits(listener);
        let n = config.providers.len();
        let router = Router::new(config, &config.providers, &resolver);
        Ok(Gateway {
            router,
            upstreams,
            providers: config.providers.clone(),
            failover: failover::plans(config, &resolver, limits.timeout),
            groups: failover::groups(&config.providers),
            resolver,
            models_json: crate::models::list_json(&config.providers),
            limits,
            health: HealthTable::new(n),
            stats: ResilienceStats::new(n),
            metrics: Metrics::new(&config.providers),
        })
    }

    /// Resilience counters of every provider (attempts, retries, failovers, cool-downs), by
    /// provider name in declaration order, as `/metrics` exports them.
    pub fn resilience_stats(&self) -> Vec<(&str, ProviderStats)> {
        self.providers
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.as_str(), self.stats.snapshot(i)))
            .collect()
    }

    /// The Prometheus text exposition of every metric (what `GET /metrics` serves).
    pub fn render_metrics(&self) -> String {
        crate::metrics::render(self)
    }

    /// Whether a provider is currently cooling down (after `Retry-After` or with its circuit
    /// open), by provider name.
    pub fn is_cooling_down(&self, provider: &str) -> bool {
        self.providers
            .iter()
            .position(|p| p.name == provider)
            .is_some_and(|i| self.health.is_cooling(i))
    }

    /// Router calls that gave no usable answer since start (0 without a router).
    pub fn router_failures(&self) -> u64 {
        self.router
            .as_ref()
            .map_or(0, |r| r.metrics.failures_total())
    }

    pub(crate) fn first_byte_timeout(&self, u: &Upstream) -> Duration {
        u.config.first_byte_timeout.unwrap_or(self.limits.timeout)
    }

    pub(crate) fn idle_timeout(&self, u: &Upstream) -> Duration {
        u.config
            .idle_timeout
            .unwrap_or(DEFAULT_IDLE_TIMEOUT.max(self.limits.timeout))
    }
}

fn limits(l: &Listener) -> ListenerLimits {
    debug_assert_eq!(l.kind, ListenerKind::Model);
    ListenerLimits {
        max_body_bytes: l.max_request_body_bytes,
        timeout: l.timeout,
    }
}
