//! Where a provider's requests go.
//!
//! Computed once per provider at start-up: the origin (the `base_url`'s scheme/host/port, or the
//! provider family's public host) and the path prefix (the `base_url`'s own path, or the family
//! default). Per request only the API suffix and the model are appended (see
//! `plano_catalog::path`).

use plano_catalog::path::{effective_prefix, upstream_path};
use plano_catalog::{Api, ProviderSpec};
use plano_config::Provider;

/// A provider's resolved upstream endpoint.
#[derive(Debug, Clone)]
pub struct UpstreamTarget {
    /// `scheme://host[:port]`, without a trailing slash.
    origin: String,
    prefix: String,
    spec: &'static ProviderSpec,
    api_version: Option<String>,
}

impl UpstreamTarget {
    /// Resolves a provider's endpoint. `None` when the provider has neither a `base_url` nor a
    /// public default host (validation normally rejects such configs).
    pub fn for_provider(p: &Provider) -> Option<Self> {
        let (origin, base_path) = match &p.base_url {
            Some(b) => {
                let default_port = if b.scheme == "https" { 443 } else { 80 };
                let origin = if b.port == default_port {
                    format!("{}://{}", b.scheme, b.host)
                } else {
                    format!("{}://{}:{}", b.scheme, b.host, b.port)
                };
                (origin, Some(b.path.as_str()))
            }
            None => (p.spec.default_origin?.to_string(), None),
        };
        let prefix = effective_prefix(p.spec, &p.prefix, base_path).to_string();
        Some(UpstreamTarget {
            origin,
            prefix,
            spec: p.spec,
            api_version: p.api_version.clone(),
        })
    }

    /// The full URL for one request.
    pub fn url(&self, api: Api, model: &str, stream: bool) -> String {
        let path = upstream_path(
            self.spec,
            &self.prefix,
            api,
            model,
            stream,
            self.api_version.as_deref(),
        );
        let mut url = String::with_capacity(self.origin.len() + path.len());
        url.push_str(&self.origin);
        url.push_str(&path);
        url
    }

    pub fn spec(&self) -> &'static ProviderSpec {
        self.spec
    }
}
