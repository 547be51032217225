//! Outbound request headers: credentials in the provider's style, the client's own headers minus
//! anything that must not cross the gateway, and the provider's static `headers` last.
//!
//! Credential rules (spec §2.4, issue "model listener" item 4):
//! - `passthrough_auth: true`: the client's credential (`Authorization`, `Bearer ` stripped, or
//!   `x-api-key`) is re-sent in the provider's style; `access_key` is ignored.
//! - otherwise the provider's `access_key`; the client's credentials are dropped and never reach
//!   a provider.
//!
//! Style is decided by the API the provider receives: the Anthropic Messages API takes
//! `x-api-key` + `anthropic-version`, Azure takes `api-key`, everything else a Bearer token.
//!
//! Everything that is per-provider constant is built once ([`ProviderHeaders::new`]); a request
//! costs one header-map copy.

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use plano_catalog::{Api, AuthStyle};
use plano_config::Provider;

/// The Anthropic API version sent when the client did not choose one.
pub const DEFAULT_ANTHROPIC_VERSION: &str = "2023-06-01";

static X_API_KEY: HeaderName = HeaderName::from_static("x-api-key");
static API_KEY: HeaderName = HeaderName::from_static("api-key");
static ANTHROPIC_VERSION: HeaderName = HeaderName::from_static("anthropic-version");

/// Client headers that never go upstream: hop-by-hop headers, framing the gateway redoes,
/// credentials, and encodings (the gateway must be able to read what comes back).
const DROPPED: &[&str] = &[
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authorization",
    "proxy-authenticate",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "content-encoding",
    "accept-encoding",
    "authorization",
    "x-api-key",
    "api-key",
    "x-goog-api-key",
    "cookie",
    "expect",
];

/// Per-provider constant header material.
#[derive(Debug, Clone)]
pub struct ProviderHeaders {
    passthrough: bool,
    /// `Authorization: Bearer <key>` form, marked sensitive.
    bearer: Option<HeaderValue>,
    /// Raw key form for `x-api-key` / `api-key`, marked sensitive.
    raw_key: Option<HeaderValue>,
    azure: bool,
    extra: Vec<(HeaderName, HeaderValue)>,
    host: Option<HeaderValue>,
}

/// A provider config that cannot be turned into headers.
#[derive(Debug, thiserror::Error)]
pub enum HeaderConfigError {
    #[error("provider '{provider}': access_key is not a valid HTTP header value")]
    BadKey { provider: String },
    #[error("provider '{provider}': header '{name}' has an invalid name or value")]
    BadHeader { provider: String, name: String },
    #[error("provider '{provider}': http_host '{host}' is not a valid Host header")]
    BadHost { provider: String, host: String },
}

impl ProviderHeaders {
    pub fn new(p: &Provider) -> Result<Self, HeaderConfigError> {
        let bad_key = || HeaderConfigError::BadKey {
            provider: p.name.clone(),
        };
        let key = p
            .access_key
            .as_ref()
            .filter(|k| !k.is_empty() && !p.passthrough_auth);
        let (bearer, raw_key) = match key {
            Some(k) => (
                Some(sensitive(&format!("Bearer {}", k.expose())).ok_or_else(bad_key)?),
                Some(sensitive(k.expose()).ok_or_else(bad_key)?),
            ),
            None => (None, None),
        };
        let mut extra = Vec::with_capacity(p.headers.len());
        for (name, value) in &p.headers {
            let bad = || HeaderConfigError::BadHeader {
                provider: p.name.clone(),
                name: name.clone(),
            };
            let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
            let v = sensitive(value.expose()).ok_or_else(bad)?;
            extra.push((n, v));
        }
        let host = match &p.http_host {
            Some(h) => Some(
                HeaderValue::from_str(h).map_err(|_| HeaderConfigError::BadHost {
                    provider: p.name.clone(),
                    host: h.clone(),
                })?,
            ),
            None => None,
        };
        Ok(ProviderHeaders {
            passthrough: p.passthrough_auth,
            bearer,
            raw_key,
            azure: p.spec.auth == AuthStyle::AzureKey,
            extra,
            host,
        })
    }

    /// Builds the headers for one upstream request of `api` from the client's headers.
    pub fn build(&self, api: Api, client: &HeaderMap) -> HeaderMap {
        let mut out = HeaderMap::with_capacity(client.len() + 4);
        for (name, value) in client {
            if forwardable(name, api) {
                out.append(name.clone(), value.clone());
            }
        }
        out.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );

        let (bearer, raw) = if self.passthrough {
            match client_credential(client) {
                Some(c) => (sensitive(&format!("Bearer {c}")), sensitive(c)),
                None => (None, None),
            }
        } else {
            (self.bearer.clone(), self.raw_key.clone())
        };
        if api == Api::AnthropicMessages {
            if let Some(raw) = raw {
                out.insert(X_API_KEY.clone(), raw);
            }
            if !out.contains_key(&ANTHROPIC_VERSION) {
                out.insert(
                    ANTHROPIC_VERSION.clone(),
                    HeaderValue::from_static(DEFAULT_ANTHROPIC_VERSION),
                );
            }
        } else if self.azure {
            if let Some(raw) = raw {
                out.insert(API_KEY.clone(), raw);
            }
        } else if let Some(bearer) = bearer {
            out.insert(header::AUTHORIZATION, bearer);
        }

        for (name, value) in &self.extra {
            out.insert(name.clone(), value.clone());
        }
        if let Some(host) = &self.host {
            out.insert(header::HOST, host.clone());
        }
        out
    }
}

fn forwardable(name: &HeaderName, api: Api) -> bool {
    let n = name.as_str();
    if DROPPED.contains(&n) {
        return false;
    }
    // Anthropic's version/beta headers mean nothing to other APIs.
    if n.starts_with("anthropic-") && api != Api::AnthropicMessages {
        return false;
    }
    // The gateway's own control headers stay here.
    !(n.starts_with("x-arch-") || n.starts_with("x-plano-"))
}

/// The client's credential: `Authorization` (with an optional `Bearer` prefix) wins over
/// `x-api-key`.
fn client_credential(client: &HeaderMap) -> Option<&str> {
    let from_auth = client
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            let v = v.trim();
            match v.get(..7) {
                Some(p) if p.eq_ignore_ascii_case("bearer ") => v[7..].trim(),
                _ => v,
            }
        })
        .filter(|v| !v.is_empty());
    from_auth.or_else(|| {
        client
            .get(&X_API_KEY)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    })
}

fn sensitive(value: &str) -> Option<HeaderValue> {
    let mut v = HeaderValue::from_str(value).ok()?;
    v.set_sensitive(true);
    Some(v)
}

#[cfg(test)]
mod tests;
