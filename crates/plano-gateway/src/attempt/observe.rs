//! What an attempt's outcome teaches the provider health table and the resilience counters,
//! and the log line a cool-down deserves.
//!
//! Called for every attempt, planned or not: a provider's health is process-wide knowledge
//! (its failures seen by requests without a plan still make requests with one skip it).

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use plano_upstream::UpstreamError;
use plano_upstream::health::{BREAKER_THRESHOLD, CoolDown};
use plano_upstream::retry::retry_after;
use plano_upstream::stats::Event;

use crate::state::Gateway;

/// A response head arrived. Returns the wait it asked for (`Retry-After`), if any.
pub(super) fn head(
    gw: &Gateway,
    provider: usize,
    status: StatusCode,
    headers: &HeaderMap,
) -> Option<Duration> {
    if status.is_success() {
        gw.health.success(provider);
        return None;
    }
    if status.is_server_error() {
        cooled(gw, provider, gw.health.failure(provider));
    }
    let wait = retry_after::from_headers(headers, SystemTime::now());
    if let Some(w) = wait {
        cooled(gw, provider, gw.health.retry_after(provider, w));
    }
    wait
}

/// The attempt failed before (or instead of) a usable response.
pub(super) fn error(gw: &Gateway, provider: usize, _err: &UpstreamError) {
    cooled(gw, provider, gw.health.failure(provider));
}

fn cooled(gw: &Gateway, provider: usize, cool: Option<CoolDown>) {
    let Some(cool) = cool else { return };
    let name = &gw.providers[provider].name;
    gw.stats.count(provider, Event::CoolDown);
    match cool {
        CoolDown::RetryAfter(d) => tracing::info!(
            "Provider cooling down: provider={name}, reason=retry_after, duration_ms={}",
            d.as_millis()
        ),
        CoolDown::CircuitOpen(d) => {
            gw.stats.count(provider, Event::CircuitOpen);
            tracing::warn!(
                "Circuit open: provider={name}, consecutive_failures>={BREAKER_THRESHOLD}, duration_ms={}",
                d.as_millis()
            );
        }
    }
}
