//! Resilience counters per provider: attempts, retries, failovers, cool-downs.
//!
//! Plain relaxed atomics, one cache line per provider, owned by the gateway and read through
//! [`ResilienceStats::snapshot`]. They are the data a future metrics endpoint exports; until
//! then they are visible to tests and embedders. Labels stay bounded: one row per configured
//! provider, nothing per request or per model string.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counters of one provider.
#[derive(Debug, Default)]
#[repr(align(64))]
struct Cell {
    attempts: AtomicU64,
    retries: AtomicU64,
    failovers: AtomicU64,
    skipped: AtomicU64,
    cool_downs: AtomicU64,
    circuit_opens: AtomicU64,
    recovered: AtomicU64,
    exhausted: AtomicU64,
}

/// A copy of one provider's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProviderStats {
    /// Upstream requests sent to this provider (first attempts included).
    pub attempts: u64,
    /// Of those, attempts that were not the first of their request.
    pub retries: u64,
    /// Of those, attempts for a request that resolved to another provider.
    pub failovers: u64,
    /// Times a request passed this provider over because it was cooling down.
    pub skipped: u64,
    /// Times it entered a cool-down (`Retry-After` or circuit).
    pub cool_downs: u64,
    /// Of those, circuit-breaker openings.
    pub circuit_opens: u64,
    /// Requests resolved to this provider that succeeded after more than one attempt.
    pub recovered: u64,
    /// Requests resolved to this provider that failed after more than one attempt.
    pub exhausted: u64,
}

/// Counters of every provider, indexed like the gateway's provider list.
#[derive(Debug)]
pub struct ResilienceStats {
    cells: Box<[Cell]>,
}

/// Something worth counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Attempt,
    Retry,
    Failover,
    Skipped,
    CoolDown,
    CircuitOpen,
    Recovered,
    Exhausted,
}

impl ResilienceStats {
    pub fn new(providers: usize) -> Self {
        ResilienceStats {
            cells: (0..providers).map(|_| Cell::default()).collect(),
        }
    }

    pub fn count(&self, provider: usize, event: Event) {
        let Some(c) = self.cells.get(provider) else {
            return;
        };
        let counter = match event {
            Event::Attempt => &c.attempts,
            Event::Retry => &c.retries,
            Event::Failover => &c.failovers,
            Event::Skipped => &c.skipped,
            Event::CoolDown => &c.cool_downs,
            Event::CircuitOpen => &c.circuit_opens,
            Event::Recovered => &c.recovered,
            Event::Exhausted => &c.exhausted,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters of one provider (all zero for an unknown index).
    pub fn snapshot(&self, provider: usize) -> ProviderStats {
        let Some(c) = self.cells.get(provider) else {
            return ProviderStats::default();
        };
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        ProviderStats {
            attempts: get(&c.attempts),
            retries: get(&c.retries),
            failovers: get(&c.failovers),
            skipped: get(&c.skipped),
            cool_downs: get(&c.cool_downs),
            circuit_opens: get(&c.circuit_opens),
            recovered: get(&c.recovered),
            exhausted: get(&c.exhausted),
        }
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_provider() {
        let s = ResilienceStats::new(2);
        s.count(0, Event::Attempt);
        s.count(0, Event::Attempt);
        s.count(1, Event::Failover);
        s.count(9, Event::Attempt);
        assert_eq!(s.snapshot(0).attempts, 2);
        assert_eq!(s.snapshot(1).failovers, 1);
        assert_eq!(s.snapshot(1).attempts, 0);
        assert_eq!(s.snapshot(9), ProviderStats::default());
    }
}
