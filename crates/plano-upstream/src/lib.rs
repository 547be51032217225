//! Talking to providers: where a request goes, how it authenticates, and the pooled HTTP client
//! that carries it.
//!
//! # Layout
//! - [`target`]: per-provider upstream endpoint, precomputed once from the config (origin, path
//!   prefix, auth style) so the hot path only concatenates strings.
//! - [`auth`]: outbound headers — credential in the provider's style, client headers minus
//!   credentials and hop-by-hop headers, provider `headers` last.
//! - [`client`]: hyper-util pooled clients on rustls (ring), one per connect-timeout
//!   profile, built once at start-up.
//! - [`send`]: one request out, a response head and a body stream back.
//! - [`sigv4`]: pure AWS Signature V4 (Bedrock with `auth_style: aws_sigv4`).
//! - [`error`]: upstream failures classified by where they happened and whether a retry is safe.
//! - [`retry`]: the pure retry/failover policy — rules, candidate selection, backoff,
//!   `Retry-After`.
//! - [`health`]: process-wide provider health — cool-downs and the circuit breaker — as atomics.
//! - [`stats`]: per-provider resilience counters, ready for a metrics endpoint.
//!
//! Only this crate knows the HTTP client library. The gateway hands it a provider and bytes and gets back a
//! response head plus a body stream.

pub mod auth;
pub mod client;
pub mod error;
pub mod health;
pub mod retry;
pub mod send;
pub mod sigv4;
pub mod stats;
pub mod target;

pub use client::{HttpClients, TlsOptions};
pub use error::{UpstreamError, UpstreamErrorKind};
pub use health::HealthTable;
pub use send::{BodyStream, UpstreamClient, UpstreamResponse};
pub use stats::{ProviderStats, ResilienceStats};
pub use target::UpstreamTarget;
