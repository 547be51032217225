//! Outbound request headers: credentials in the provider's style, the client's own headers minus
//! anything that must not cross the gateway, and the provider's static `headers` last.
//!
//! Credential rules (spec §2.4, issue "model listener" item 4):
//! - `passthrough_auth: true`: the client's credential (`Authorization`, `Bearer ` stripped, or
//!   `x-api-key`) is re-sent in the provider's style; `access_key` is ignored.
//! - otherwise the provider's `access_key`; the client's credentials are dropped and never reach
//!   a provider.
//!
//! Style, unless the provider sets `auth_style`, is decided by the API the provider receives: the
//! Anthropic Messages API takes `x-api-key` + `anthropic-version`, Azure takes `api-key`,
//! everything else a Bearer token. `auth_style` forces one of those headers (the Messages API
//! still gets `anthropic-version`), or — `aws_sigv4`, Bedrock only — no key header at all: the
//! request is signed right before it is sent ([`SigV4Signer::sign`]), over the final URL, host
//! and body, so every attempt carries a fresh signature.
//!
//! Everything that is per-provider constant is built once ([`ProviderHeaders::new`]); a request
//! costs one header-map copy.

use std::time::{SystemTime, UNIX_EPOCH};

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use plano_catalog::{Api, AuthStyle};
use plano_config::{Provider, Secret};

use crate::sigv4;

/// The Anthropic API version sent when the client did not choose one.
pub const DEFAULT_ANTHROPIC_VERSION: &str = "2023-06-01";

static X_API_KEY: HeaderName = HeaderName::from_static("x-api-key");
static API_KEY: HeaderName = HeaderName::from_static("api-key");
static ANTHROPIC_VERSION: HeaderName = HeaderName::from_static("anthropic-version");
static X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
static X_AMZ_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-amz-content-sha256");
static X_AMZ_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");

/// The SigV4 service name of the Bedrock runtime.
const BEDROCK_SERVICE: &str = "bedrock";

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
    // A client's own AWS signing headers would be stale or forged; the gateway signs itself.
    "x-amz-date",
    "x-amz-content-sha256",
    "x-amz-security-token",
];

/// Per-provider constant header material.
#[derive(Debug, Clone)]
pub struct ProviderHeaders {
    passthrough: bool,
    /// `Authorization: Bearer <key>` form, marked sensitive.
    bearer: Option<HeaderValue>,
    /// Raw key form for `x-api-key` / `api-key`, marked sensitive.
    raw_key: Option<HeaderValue>,
    /// `auth_style` override; `None` = decided by the API (see the module docs).
    style: Option<AuthStyle>,
    azure: bool,
    sigv4: Option<SigV4Signer>,
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
    #[error(
        "provider '{provider}': auth_style aws_sigv4 needs AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and aws_region"
    )]
    MissingAws { provider: String },
    #[error("provider '{provider}': the AWS credentials are not valid HTTP header values")]
    BadAwsCredentials { provider: String },
}

/// Signs Bedrock requests with AWS SigV4 (`auth_style: aws_sigv4`). Its `Debug` shows the region
/// only.
#[derive(Clone)]
pub struct SigV4Signer {
    region: String,
    access_key_id: Secret,
    secret_access_key: Secret,
    /// Sensitive `x-amz-security-token` value, for temporary credentials.
    session_token: Option<HeaderValue>,
}

impl std::fmt::Debug for SigV4Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigV4Signer")
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// A request that cannot be signed (its URL does not parse; not expected from a built target).
#[derive(Debug, thiserror::Error)]
#[error("cannot sign the upstream request: {0}")]
pub struct SignError(&'static str);

impl SigV4Signer {
    fn new(p: &Provider) -> Result<Self, HeaderConfigError> {
        let (Some(region), Some(creds)) = (&p.aws_region, &p.aws_credentials) else {
            return Err(HeaderConfigError::MissingAws {
                provider: p.name.clone(),
            });
        };
        let bad = || HeaderConfigError::BadAwsCredentials {
            provider: p.name.clone(),
        };
        // The key id and region end up in `authorization`; check once here so signing cannot
        // fail on them per request.
        HeaderValue::from_str(&format!("{} {}", creds.access_key_id.expose(), region))
            .map_err(|_| bad())?;
        let session_token = match &creds.session_token {
            Some(t) => Some(sensitive(t.expose()).ok_or_else(bad)?),
            None => None,
        };
        Ok(SigV4Signer {
            region: region.clone(),
            access_key_id: creds.access_key_id.clone(),
            secret_access_key: creds.secret_access_key.clone(),
            session_token,
        })
    }

    /// Signs one POST of `body` to `url`: sets `host`, `x-amz-date`, `x-amz-content-sha256`,
    /// `x-amz-security-token` (temporary credentials) and `authorization` in `headers`, and
    /// returns the URL to send to — `url` without a default port, so the `Host` signed, the
    /// `Host` (HTTP/1) or `:authority` (HTTP/2) sent and what AWS verifies all agree. An
    /// `http_host` override already in `headers` is kept and signed as is.
    pub fn sign(
        &self,
        url: &str,
        headers: &mut HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<String, SignError> {
        let uri: http::Uri = url.parse().map_err(|_| SignError("invalid URL"))?;
        let scheme = uri.scheme_str().ok_or(SignError("URL without scheme"))?;
        let host = uri.host().ok_or(SignError("URL without host"))?;
        let default_port = match scheme {
            "https" => 443,
            _ => 80,
        };
        let authority = match uri.port_u16() {
            Some(port) if port != default_port => format!("{host}:{port}"),
            _ => host.to_owned(),
        };
        let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
        let send_url = format!("{scheme}://{authority}{path_and_query}");

        if !headers.contains_key(header::HOST) {
            let v = HeaderValue::from_str(&authority).map_err(|_| SignError("invalid host"))?;
            headers.insert(header::HOST, v);
        }
        let host_signed = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .ok_or(SignError("invalid host"))?
            .to_owned();
        let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let amz_date = sigv4::amz_date(secs);
        let payload = sigv4::sha256_hex(body);
        let token = self.session_token.as_ref().and_then(|t| t.to_str().ok());

        let mut signed: Vec<(&str, &str)> = vec![
            ("host", &host_signed),
            ("x-amz-content-sha256", &payload),
            ("x-amz-date", &amz_date),
        ];
        if let Some(t) = token {
            signed.push(("x-amz-security-token", t));
        }
        let out = sigv4::sign(
            sigv4::Credentials {
                access_key_id: self.access_key_id.expose(),
                secret_access_key: self.secret_access_key.expose(),
            },
            sigv4::Scope {
                amz_date: &amz_date,
                region: &self.region,
                service: BEDROCK_SERVICE,
            },
            &sigv4::Request {
                method: "POST",
                path: uri.path(),
                query: uri.query().unwrap_or(""),
                headers: &signed,
                payload_sha256: &payload,
            },
        );
        let auth = sensitive(&out.authorization).ok_or(SignError("invalid authorization"))?;
        let hv = |s: &str| HeaderValue::from_str(s).map_err(|_| SignError("invalid header"));
        headers.insert(X_AMZ_DATE.clone(), hv(&amz_date)?);
        headers.insert(X_AMZ_CONTENT_SHA256.clone(), hv(&payload)?);
        if let Some(t) = &self.session_token {
            headers.insert(X_AMZ_SECURITY_TOKEN.clone(), t.clone());
        }
        headers.insert(header::AUTHORIZATION, auth);
        Ok(send_url)
    }
}

impl ProviderHeaders {
    pub fn new(p: &Provider) -> Result<Self, HeaderConfigError> {
        let bad_key = || HeaderConfigError::BadKey {
            provider: p.name.clone(),
        };
        let sigv4 = match p.auth_style {
            Some(AuthStyle::AwsSigV4) => Some(SigV4Signer::new(p)?),
            _ => None,
        };
        // A signing provider sends no key header; its access_key (if any) is unused.
        let key = p
            .access_key
            .as_ref()
            .filter(|k| !k.is_empty() && !p.passthrough_auth && sigv4.is_none());
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
            style: p.auth_style,
            azure: p.spec.auth == AuthStyle::AzureKey,
            sigv4,
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
        if api == Api::AnthropicMessages && !out.contains_key(&ANTHROPIC_VERSION) {
            out.insert(
                ANTHROPIC_VERSION.clone(),
                HeaderValue::from_static(DEFAULT_ANTHROPIC_VERSION),
            );
        }
        let style = match self.style {
            Some(s) => s,
            None if api == Api::AnthropicMessages => AuthStyle::AnthropicKey,
            None if self.azure => AuthStyle::AzureKey,
            None => AuthStyle::Bearer,
        };
        match style {
            AuthStyle::AnthropicKey => {
                if let Some(raw) = raw {
                    out.insert(X_API_KEY.clone(), raw);
                }
            }
            AuthStyle::AzureKey => {
                if let Some(raw) = raw {
                    out.insert(API_KEY.clone(), raw);
                }
            }
            AuthStyle::Bearer => {
                if let Some(bearer) = bearer {
                    out.insert(header::AUTHORIZATION, bearer);
                }
            }
            // Signed in `SigV4Signer::sign`, once the URL and body are final.
            AuthStyle::AwsSigV4 => {}
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

impl ProviderHeaders {
    /// The SigV4 signer, when the provider uses `auth_style: aws_sigv4`.
    pub fn sigv4(&self) -> Option<&SigV4Signer> {
        self.sigv4.as_ref()
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
