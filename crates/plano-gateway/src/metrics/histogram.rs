//! A fixed-bucket histogram on atomics, Prometheus-style (cumulative buckets on render).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds in seconds: upstream's `0.05…120` range for LLM durations (spec §9.4).
pub(crate) const BOUNDS: [f64; 11] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0];

#[derive(Debug, Default)]
pub(crate) struct Histogram {
    /// Per-bucket (non-cumulative) counts; the last slot is `+Inf`.
    buckets: [AtomicU64; 12],
    /// Sum of observations in microseconds (integer so it can be an atomic add).
    sum_micros: AtomicU64,
    count: AtomicU64,
}

/// A consistent-enough copy for rendering (each counter read once).
pub(crate) struct Snapshot {
    /// Cumulative counts per bound, then `+Inf`.
    pub cumulative: [u64; 12],
    pub sum_seconds: f64,
    pub count: u64,
}

impl Histogram {
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        let i = BOUNDS
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(BOUNDS.len());
        self.buckets[i].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> Snapshot {
        let mut cumulative = [0u64; 12];
        let mut acc = 0u64;
        for (slot, b) in cumulative.iter_mut().zip(&self.buckets) {
            acc += b.load(Ordering::Relaxed);
            *slot = acc;
        }
        Snapshot {
            // `+Inf` equals the count by definition; derive both from the buckets so a scrape
            // racing an observation never shows a count below its own `+Inf` bucket.
            count: acc,
            cumulative,
            sum_seconds: self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative() {
        let h = Histogram::default();
        h.observe(Duration::from_millis(10));
        h.observe(Duration::from_millis(300));
        h.observe(Duration::from_secs(500));
        let s = h.snapshot();
        assert_eq!(s.cumulative[0], 1);
        assert_eq!(s.cumulative[3], 2);
        assert_eq!(s.cumulative[10], 2);
        assert_eq!(s.cumulative[11], 3);
        assert_eq!(s.count, 3);
        assert!((s.sum_seconds - 500.31).abs() < 1e-6);
    }
}
