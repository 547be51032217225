//! [`Gateway`]: everything a request needs, computed once from the validated config and then
//! shared read-only by every connection.

use std::collections::BTreeSet;
use std::time::Duration;

use bytes::Bytes;
use plano_config::{Config, Listener, ListenerKind, Provider};
use plano_upstream::auth::{HeaderConfigError, ProviderHeaders};
use plano_upstream::client::ClientBuildError;
use plano_upstream::{HttpClients, TlsOptions, UpstreamClient, UpstreamTarget};

use crate::resolve::Resolver;

/// Idle timeout for upstream bodies when neither provider nor listener says otherwise.
const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// A provider with everything precomputed for the hot path.
#[derive(Debug)]
pub(crate) struct Upstream {
    pub config: Provider,
    pub target: UpstreamTarget,
    pub headers: ProviderHeaders,
    pub client: UpstreamClient,
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
            });
        }
        Ok(Gateway {
            upstreams,
            providers: config.providers.clone(),
            resolver: Resolver::new(config),
            models_json: crate::models::list_json(&config.providers),
            limits: limits(listener),
        })
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
