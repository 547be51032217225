//! The end of the attempt loop: what was tried, the headers that say so, and the error the
//! client gets when every allowed attempt failed.
//!
//! - `x-plano-provider: <name>` names the provider that produced the response;
//! - `x-plano-attempts: a=429,b=503,c=200` lists every attempt in order (HTTP status, or
//!   `connect` / `timeout` / `idle_timeout` / `protocol` for failures without one).
//!
//! Both are set on every response of a request that ran under a retry plan, and on no other.
//!
//! When more than one attempt was made and all failed, the client gets the *last* failure: the
//! provider's status with its message re-wrapped in the client's API envelope (whatever API the
//! last provider spoke), followed by `(tried: a → 429, b → 503)`; or, when the last failure had
//! no status, the gateway's 502/504 with the same suffix. A provider's `Retry-After` rides
//! along. After a single attempt nothing is rewritten: the response is relayed as without a plan.

use std::fmt::Write as _;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use plano_catalog::Api;
use plano_upstream::{BodyStream, UpstreamError, UpstreamErrorKind};

use crate::body::{self, ResponseBody};
use crate::codec;
use crate::error::GatewayError;
use crate::state::Gateway;

pub(crate) static X_PLANO_PROVIDER: header::HeaderName =
    header::HeaderName::from_static("x-plano-provider");
pub(crate) static X_PLANO_ATTEMPTS: header::HeaderName =
    header::HeaderName::from_static("x-plano-attempts");

/// Error bodies are read only for their message; more than this is not a message.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// An error body that stalls is not worth waiting for: the retry matters more.
const MAX_ERROR_BODY_WAIT: Duration = Duration::from_secs(5);

/// How one attempt ended.
#[derive(Debug, Clone, Copy)]
pub(super) enum Outcome {
    Status(u16),
    Error(UpstreamErrorKind),
}

impl Outcome {
    fn short(self) -> &'static str {
        match self {
            Outcome::Status(_) => "",
            Outcome::Error(UpstreamErrorKind::Connect) => "connect",
            Outcome::Error(UpstreamErrorKind::FirstByteTimeout) => "timeout",
            Outcome::Error(UpstreamErrorKind::IdleTimeout) => "idle_timeout",
            Outcome::Error(UpstreamErrorKind::Protocol) => "protocol",
        }
    }
}

/// Every attempt of a request, in order: (provider index, outcome).
#[derive(Debug, Default)]
pub(super) struct Tried {
    entries: Vec<(usize, Outcome)>,
}

impl Tried {
    pub fn push(&mut self, provider: usize, outcome: Outcome) {
        self.entries.push((provider, outcome));
    }

    /// `a → 429, b → connect error`, for messages.
    fn summary(&self, gw: &Gateway) -> String {
        let mut s = String::new();
        for (i, (p, o)) in self.entries.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            let _ = match o {
                Outcome::Status(code) => write!(s, "{} → {code}", gw.providers[*p].name),
                Outcome::Error(_) => {
                    write!(s, "{} → {} error", gw.providers[*p].name, o.short())
                }
            };
        }
        s
    }

    /// `a=429,b=connect`, for the `x-plano-attempts` header.
    fn header(&self, gw: &Gateway) -> Option<HeaderValue> {
        let mut s = String::new();
        for (i, (p, o)) in self.entries.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            let _ = match o {
                Outcome::Status(code) => write!(s, "{}={code}", gw.providers[*p].name),
                Outcome::Error(_) => write!(s, "{}={}", gw.providers[*p].name, o.short()),
            };
        }
        HeaderValue::from_str(&s).ok()
    }
}

/// A failed attempt, kept for the final answer when the next attempts fail too.
pub(super) enum Last {
    Status {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    },
    Error(UpstreamError),
}

/// Reads an error body for its message: bounded in size and time, best effort (a body that
/// breaks yields what arrived).
pub(super) async fn read_error_body(mut body: BodyStream, idle: Duration) -> Bytes {
    let idle = idle.min(MAX_ERROR_BODY_WAIT);
    let mut buf = BytesMut::new();
    while let Ok(Some(Ok(chunk))) = tokio::time::timeout(idle, body.next()).await {
        let room = MAX_ERROR_BODY.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if buf.len() >= MAX_ERROR_BODY {
            break;
        }
    }
    buf.freeze()
}

/// Adds `x-plano-provider` (who produced it) and `x-plano-attempts`.
pub(super) fn decorate(
    resp: &mut Response<ResponseBody>,
    gw: &Gateway,
    served_by: usize,
    tried: &Tried,
) {
    let h = resp.headers_mut();
    if let Some(name) = gw
        .upstreams
        .get(served_by)
        .and_then(|u| u.name_header.clone())
    {
        h.insert(X_PLANO_PROVIDER.clone(), name);
    }
    if let Some(v) = tried.header(gw) {
        h.insert(X_PLANO_ATTEMPTS.clone(), v);
    }
}

/// The answer after several attempts that all failed: the last failure, in the client's API,
/// with what was tried appended to its message.
pub(super) fn exhausted(
    gw: &Gateway,
    client: Api,
    last: &Last,
    tried: &Tried,
) -> Response<ResponseBody> {
    let note = format!("(tried: {})", tried.summary(gw));
    let mut resp = match last {
        Last::Status {
            status,
            headers,
            body,
        } => {
            let bytes = codec::upstream_error_with_note(client, status.as_u16(), body, &note);
            let mut r = Response::new(body::full(bytes));
            *r.status_mut() = *status;
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            for name in [header::RETRY_AFTER.as_str(), "retry-after-ms"] {
                if let Some(v) = headers.get(name) {
                    h.insert(name, v.clone());
                }
            }
            r
        }
        Last::Error(err) => {
            let mut e = GatewayError::upstream(err);
            e.message = format!("{} {note}", e.message);
            e.into_response(client)
        }
    };
    if let Some(v) = tried.header(gw) {
        resp.headers_mut().insert(X_PLANO_ATTEMPTS.clone(), v);
    }
    resp
}
