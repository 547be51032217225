//! Retry and failover policy, as pure functions: no I/O, no clock reads, no shared state.
//!
//! The gateway's attempt loop feeds these with what happened (a [`Failure`], the `Retry-After`
//! it carried, how many attempts were made and how long it took) and gets back a [`Next`]: which
//! candidate of the failover chain to try and how long to wait first — or why to stop.
//!
//! # Layout
//! - [`plan`]: a [`RetryPlan`] built once per provider from its `retry_policy` (or from the
//!   legacy `listeners[].max_retries`), and the per-failure rule lookup.
//! - [`select`]: choosing the next candidate of a chain for a strategy, preferring healthy ones.
//! - [`backoff`]: exponential backoff, capped, with full jitter.
//! - [`retry_after`]: the `Retry-After` (delta-seconds or HTTP-date) and `retry-after-ms`
//!   headers.
//!
//! Provider health (cool-downs, the circuit breaker) is shared state and lives in
//! [`crate::health`]; this module only sees it through an `available(candidate)` callback.

pub mod backoff;
pub mod plan;
pub mod retry_after;
pub mod select;

pub use plan::{Failure, Next, Progress, RetryPlan, Rule, Stop};
