//! The pooled HTTP clients that carry upstream requests.
//!
//! hyper-util's pooling client over a rustls (ring) connector: keep-alive pools per origin,
//! HTTP/2 when the provider offers it through ALPN, `TCP_NODELAY`. One client per distinct
//! connect timeout (the connector owns that setting), built once at start-up and cloned (an
//! `Arc` inside) into every request. TLS trusts the Mozilla roots compiled in, plus an optional
//! extra CA bundle (`overrides.upstream_tls_ca_path`). No OpenSSL anywhere.
//!
//! Redirects are not followed: a provider's redirect goes back to the client as-is, since a
//! POST body cannot be replayed safely to an arbitrary location.
//!
//! Why not reqwest: it parses every URL with the WHATWG parser (IDNA included) and converts
//! headers and bodies on each request; measured, that was a third of the gateway's own CPU per
//! request. The gateway already has everything reqwest would add (timeouts, its own body
//! streams), so it talks to hyper directly, like the benchmark's floor proxy.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::send::UpstreamClient;

/// TLS settings shared by every client.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// Extra PEM CA bundle trusted in addition to the built-in roots.
    pub ca_file: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientBuildError {
    #[error("reading CA bundle {path}: {message}")]
    CaBundle { path: String, message: String },
    #[error("building TLS config: {0}")]
    Tls(String),
}

/// The set of upstream clients, keyed by connect timeout.
#[derive(Debug, Clone)]
pub struct HttpClients {
    by_connect_timeout: HashMap<Duration, UpstreamClient>,
    tls: Arc<rustls::ClientConfig>,
}

impl HttpClients {
    /// Builds clients for the given connect timeouts.
    pub fn new(
        connect_timeouts: impl IntoIterator<Item = Duration>,
        tls: &TlsOptions,
    ) -> Result<Self, ClientBuildError> {
        let tls = Arc::new(tls_config(tls)?);
        let mut clients = HttpClients {
            by_connect_timeout: HashMap::new(),
            tls,
        };
        for t in connect_timeouts {
            clients.ensure(t);
        }
        Ok(clients)
    }

    fn ensure(&mut self, connect_timeout: Duration) {
        if self.by_connect_timeout.contains_key(&connect_timeout) {
            return;
        }
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(connect_timeout));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config((*self.tls).clone())
            .https_or_http()
            .enable_all_versions()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(https);
        self.by_connect_timeout
            .insert(connect_timeout, UpstreamClient(client));
    }

    /// The client for a connect timeout given at construction.
    pub fn get(&self, connect_timeout: Duration) -> Option<&UpstreamClient> {
        self.by_connect_timeout.get(&connect_timeout)
    }
}

fn tls_config(opts: &TlsOptions) -> Result<rustls::ClientConfig, ClientBuildError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &opts.ca_file {
        let err = |message: String| ClientBuildError::CaBundle {
            path: path.clone(),
            message,
        };
        let certs = CertificateDer::pem_file_iter(path).map_err(|e| err(e.to_string()))?;
        for cert in certs {
            let cert = cert.map_err(|e| err(e.to_string()))?;
            roots.add(cert).map_err(|e| err(e.to_string()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientBuildError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}
