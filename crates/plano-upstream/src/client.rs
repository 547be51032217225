//! The pooled HTTP clients that carry upstream requests.
//!
//! One reqwest client per distinct connect timeout (reqwest sets it per client), built once at
//! start-up and cloned (an `Arc` inside) into every request. TLS is rustls with the ring
//! provider and the Mozilla roots compiled in, plus an optional extra CA bundle
//! (`overrides.upstream_tls_ca_path`). No OpenSSL anywhere.
//!
//! Redirects are not followed: a provider's redirect goes back to the client as-is, since a
//! POST body cannot be replayed safely to an arbitrary location.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::CertificateDer;

use crate::send::UpstreamClient;
use rustls::pki_types::pem::PemObject;

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
    #[error("building HTTP client: {0}")]
    Client(String),
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
        // Installing twice fails harmlessly; the first provider installed wins process-wide.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let tls = Arc::new(tls_config(tls)?);
        let mut clients = HttpClients {
            by_connect_timeout: HashMap::new(),
            tls,
        };
        for t in connect_timeouts {
            clients.ensure(t)?;
        }
        Ok(clients)
    }

    fn ensure(&mut self, connect_timeout: Duration) -> Result<(), ClientBuildError> {
        if self.by_connect_timeout.contains_key(&connect_timeout) {
            return Ok(());
        }
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured((*self.tls).clone())
            .connect_timeout(connect_timeout)
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(90))
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .build()
            .map_err(|e| ClientBuildError::Client(e.to_string()))?;
        self.by_connect_timeout
            .insert(connect_timeout, UpstreamClient(client));
        Ok(())
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
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientBuildError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}
