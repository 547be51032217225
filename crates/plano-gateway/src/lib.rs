//! The gateway server: one tokio process serving every `type: model` listener.
//!
//! # Layout
//! - [`server`]: binds listeners, serves HTTP/1.1 and h2c connections, drains on shutdown;
//!   [`GatewayHandle`] swaps in a new [`Gateway`] while serving (config reload).
//! - `routes`: the fixed route table of a model listener (method + path → handler).
//! - `proxy`: the LLM request lifecycle, as named phases (accept → parse → resolve → encode →
//!   attempt → relay).
//! - `attempt`: phase 5 — one attempt, or under a retry plan the retry/failover loop that
//!   commits before the first byte reaches the client.
//! - `failover`: retry plans and failover chains, built per provider at start-up.
//! - `routing`: preference-aligned routing — the router call, session affinity, and the
//!   routing decision API (`/routing/v1/*`).
//! - `resolve`: model name → provider (aliases, names, full and bare model ids, wildcards,
//!   default).
//! - `relay`: response bodies — byte passthrough when the client's API equals the provider's,
//!   incremental translation otherwise; mid-stream failures end in a proper error event.
//! - `error`: the one place gateway errors become HTTP responses, in the client's API dialect.
//! - `access`: the access log line and per-request metrics, recorded when a response body
//!   ends or is dropped (never blocking: a `tracing` event with target `plano::access`).
//! - `metrics`: Prometheus counters on preallocated atomics, rendered on `GET /metrics` of the
//!   separate metrics listener ([`Server::metrics_listener`]).
//! - [`state`]: [`Gateway`], everything precomputed from the config and shared read-only by all
//!   requests (no locks on the hot path).
//!
//! The router is a plain `match` on method and path rather than a framework router: a model
//! listener has six fixed routes and every handler needs the raw body stream, so a framework
//! would add a layer of boxing for nothing.

mod access;
mod attempt;
mod body;
mod codec;
mod error;
mod failover;
mod metrics;
mod models;
mod proxy;
mod relay;
mod request_id;
mod resolve;
mod routes;
mod routing;
pub mod server;
pub mod state;

pub use access::AccessBody;
pub use plano_upstream::ProviderStats;
pub use server::{BoundListener, GatewayHandle, Server};
pub use state::{BuildError, Gateway};
