//! Provider health, process-wide: `Retry-After` cool-downs and a consecutive-failure circuit
//! breaker, as a few atomics per provider. No locks; the healthy path costs two relaxed loads.
//!
//! - **Cool-down.** A response carrying `Retry-After` (or `retry-after-ms`) makes its provider
//!   unavailable until then (capped at [`COOL_DOWN_CAP`]), for every request.
//! - **Circuit breaker.** [`BREAKER_THRESHOLD`] consecutive outage failures (connect errors,
//!   resets, timeouts, 5xx — not 4xx, not 429) open the circuit for [`BREAKER_BASE`], doubling on
//!   each re-open up to [`BREAKER_MAX`]. When that time is up the circuit is *half-open*: the
//!   first request to ask is let through as the probe (others keep skipping the provider for up
//!   to [`PROBE_HOLD`]); the probe's success closes the circuit, its failure re-opens it for
//!   longer.
//! - A 2xx clears everything. Other statuses (4xx) leave the state as it is: they prove the
//!   provider is reachable but not that it serves.
//!
//! "Unavailable" is advice, not a ban: a request whose every candidate is unavailable still
//! tries one (see [`crate::retry::select`]), and a request without a retry plan ignores health
//! entirely — it has nowhere else to go.
//!
//! Under concurrency the bookkeeping is approximate by design (two requests may both see the
//! circuit close), never blocking and never unbounded: a failure arriving while the circuit is
//! already open does not extend it.
//!
//! Time is `tokio::time::Instant`, as milliseconds since the table was built, so tests may pause
//! and advance the clock.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// Consecutive outage failures that open a provider's circuit.
pub const BREAKER_THRESHOLD: u32 = 3;
/// How long the circuit stays open the first time.
pub const BREAKER_BASE: Duration = Duration::from_secs(5);
/// The longest the circuit stays open, however often it re-opens.
pub const BREAKER_MAX: Duration = Duration::from_secs(300);
/// The longest `Retry-After` remembered for later requests.
pub const COOL_DOWN_CAP: Duration = Duration::from_secs(300);
/// How long a half-open provider is reserved for its probe before another request may probe.
pub const PROBE_HOLD: Duration = Duration::from_secs(10);

/// Why a provider started cooling down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoolDown {
    /// It asked for it with `Retry-After`.
    RetryAfter(Duration),
    /// Its circuit opened after consecutive failures.
    CircuitOpen(Duration),
}

/// One provider's state. Aligned to a cache line so that providers do not false-share.
#[derive(Debug, Default)]
#[repr(align(64))]
struct Cell {
    /// Unavailable until this many ms after the epoch; 0 = never was.
    until_ms: AtomicU64,
    consecutive: AtomicU32,
    /// Times the circuit opened since the provider last succeeded.
    trips: AtomicU32,
    /// A half-open probe was handed out and has not reported yet.
    probing: AtomicBool,
}

/// Health of every provider, indexed like the gateway's provider list.
#[derive(Debug)]
pub struct HealthTable {
    cells: Box<[Cell]>,
    epoch: Instant,
}

impl HealthTable {
    pub fn new(providers: usize) -> Self {
        HealthTable {
            cells: (0..providers).map(|_| Cell::default()).collect(),
            epoch: Instant::now(),
        }
    }

    /// Milliseconds since the epoch, plus one so that 0 always means "no deadline".
    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis())
            .unwrap_or(u64::MAX - 1)
            .saturating_add(1)
    }

    fn cell(&self, i: usize) -> Option<&Cell> {
        self.cells.get(i)
    }

    /// Whether provider `i` may be used now. Claims the probe of a half-open circuit: only ask
    /// for a provider you will use when the answer is yes.
    pub fn admit(&self, i: usize) -> bool {
        let Some(c) = self.cell(i) else { return true };
        let until = c.until_ms.load(Ordering::Acquire);
        if until == 0 {
            return true;
        }
        let now = self.now_ms();
        if now < until {
            return false;
        }
        if c.trips.load(Ordering::Relaxed) == 0 {
            // A Retry-After cool-down that has run out: open to everyone.
            return true;
        }
        // Half-open: the first to swap the deadline is the probe.
        let hold = now.saturating_add(millis(PROBE_HOLD));
        let won = c
            .until_ms
            .compare_exchange(until, hold, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok();
        if won {
            c.probing.store(true, Ordering::Relaxed);
        }
        won
    }

    /// Whether provider `i` is cooling down, without claiming anything.
    pub fn is_cooling(&self, i: usize) -> bool {
        self.remaining(i).is_some()
    }

    /// Time left in provider `i`'s cool-down.
    pub fn remaining(&self, i: usize) -> Option<Duration> {
        let c = self.cell(i)?;
        let until = c.until_ms.load(Ordering::Acquire);
        let now = self.now_ms();
        (until > now).then(|| Duration::from_millis(until - now))
    }

    /// A response asked for `wait` before the next request. Returns the cool-down when this
    /// extended the provider's.
    pub fn retry_after(&self, i: usize, wait: Duration) -> Option<CoolDown> {
        let c = self.cell(i)?;
        let wait = wait.min(COOL_DOWN_CAP);
        if wait.is_zero() {
            return None;
        }
        let target = self.now_ms().saturating_add(millis(wait));
        let before = c.until_ms.fetch_max(target, Ordering::AcqRel);
        (before < target).then_some(CoolDown::RetryAfter(wait))
    }

    /// An outage failure (connect, reset, timeout, 5xx). Returns the cool-down when this
    /// opened (or re-opened) the circuit.
    pub fn failure(&self, i: usize) -> Option<CoolDown> {
        let c = self.cell(i)?;
        let n = c
            .consecutive
            .fetch_add(1, Ordering::AcqRel)
            .saturating_add(1);
        if n < BREAKER_THRESHOLD {
            return None;
        }
        let now = self.now_ms();
        let until = c.until_ms.load(Ordering::Acquire);
        let was_probe = c.probing.swap(false, Ordering::AcqRel);
        if now < until && !was_probe {
            // Already open (a request that started before it opened reporting late).
            return None;
        }
        let trips = c.trips.fetch_add(1, Ordering::AcqRel);
        let open = BREAKER_BASE
            .saturating_mul(2u32.saturating_pow(trips))
            .min(BREAKER_MAX);
        c.until_ms
            .fetch_max(now.saturating_add(millis(open)), Ordering::AcqRel);
        Some(CoolDown::CircuitOpen(open))
    }

    /// A 2xx: the provider serves. Clears failures, circuit and cool-down.
    pub fn success(&self, i: usize) {
        let Some(c) = self.cell(i) else { return };
        // The common case writes nothing, so a busy provider's cache line stays shared.
        if c.consecutive.load(Ordering::Relaxed) == 0 && c.until_ms.load(Ordering::Relaxed) == 0 {
            return;
        }
        c.consecutive.store(0, Ordering::Relaxed);
        c.trips.store(0, Ordering::Relaxed);
        c.probing.store(false, Ordering::Relaxed);
        c.until_ms.store(0, Ordering::Release);
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn retry_after_cools_down_until_the_time_passes() {
        let h = HealthTable::new(2);
        assert!(h.admit(0));
        assert_eq!(
            h.retry_after(0, Duration::from_secs(30)),
            Some(CoolDown::RetryAfter(Duration::from_secs(30)))
        );
        assert!(!h.admit(0));
        assert!(h.admit(1), "other providers are unaffected");
        // A shorter later hint does not shorten it.
        assert_eq!(h.retry_after(0, Duration::from_secs(1)), None);
        tokio::time::advance(Duration::from_secs(29)).await;
        assert!(!h.admit(0));
        tokio::time::advance(Duration::from_secs(2)).await;
        assert!(h.admit(0));
        assert!(h.admit(0), "no probe gating for a plain cool-down");
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_is_capped() {
        let h = HealthTable::new(1);
        h.retry_after(0, Duration::from_secs(86_400));
        let left = h.remaining(0).unwrap();
        assert!(left <= COOL_DOWN_CAP, "{left:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn circuit_opens_after_consecutive_failures_and_half_opens() {
        let h = HealthTable::new(1);
        assert_eq!(h.failure(0), None);
        assert_eq!(h.failure(0), None);
        assert_eq!(h.failure(0), Some(CoolDown::CircuitOpen(BREAKER_BASE)));
        assert!(!h.admit(0));
        // Late failures of requests already in flight do not extend it.
        assert_eq!(h.failure(0), None);

        tokio::time::advance(BREAKER_BASE).await;
        assert!(h.admit(0), "the first asker is the probe");
        assert!(!h.admit(0), "others wait for the probe");
        // The probe fails: open again, for twice as long.
        assert_eq!(h.failure(0), Some(CoolDown::CircuitOpen(BREAKER_BASE * 2)));
        tokio::time::advance(BREAKER_BASE).await;
        assert!(!h.admit(0));
        tokio::time::advance(BREAKER_BASE).await;
        assert!(h.admit(0));
        // The probe succeeds: closed, counters reset.
        h.success(0);
        assert!(h.admit(0));
        assert!(h.admit(0));
        assert_eq!(h.failure(0), None, "a fresh count");
    }

    #[tokio::test(start_paused = true)]
    async fn a_success_resets_the_count() {
        let h = HealthTable::new(1);
        h.failure(0);
        h.failure(0);
        h.success(0);
        assert_eq!(h.failure(0), None);
        assert_eq!(h.failure(0), None);
        assert!(h.failure(0).is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn open_time_grows_but_is_bounded() {
        let h = HealthTable::new(1);
        for _ in 0..BREAKER_THRESHOLD - 1 {
            h.failure(0);
        }
        let mut last = Duration::ZERO;
        for _ in 0..12 {
            let Some(CoolDown::CircuitOpen(d)) = h.failure(0) else {
                panic!("expected the circuit to open")
            };
            assert!(d >= last && d <= BREAKER_MAX);
            last = d;
            tokio::time::advance(d).await;
            assert!(h.admit(0));
        }
        assert_eq!(last, BREAKER_MAX);
    }

    #[test]
    fn unknown_indexes_are_harmless() {
        let h = HealthTable::new(0);
        assert!(h.admit(5));
        assert_eq!(h.failure(5), None);
        h.success(5);
    }
}
