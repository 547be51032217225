//! Exponential backoff: `base · 2^retry`, capped at `max`, with optional *full jitter* (a
//! uniform draw in `[0, delay]`).
//!
//! Full jitter rather than equal or decorrelated jitter: it spreads the retries of many clients
//! that failed together the most, at the same expected total wait (see the AWS Architecture
//! Blog, "Exponential Backoff and Jitter"). The random input is a parameter so the computation
//! stays pure; [`random`] supplies it on the live path.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The wait before retry number `retry` (0 = the first retry).
pub fn delay(base: Duration, max: Duration, retry: u32, jitter: bool, random: u64) -> Duration {
    let capped = base.saturating_mul(2u32.saturating_pow(retry)).min(max);
    if !jitter || capped.is_zero() {
        return capped;
    }
    let nanos = u64::try_from(capped.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(random % nanos.saturating_add(1))
}

/// A cheap, well-mixed random number for jitter (splitmix64 over a process-wide counter).
///
/// Not cryptographic and not meant to be: it only has to decorrelate retries. One relaxed
/// atomic add, no syscall, no lock; only ever called on the retry path.
pub fn random() -> u64 {
    const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
    static STATE: AtomicU64 = AtomicU64::new(0);
    static SEED: OnceLock<u64> = OnceLock::new();
    let seed = *SEED.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(GOLDEN)
    });
    let mut z = seed.wrapping_add(STATE.fetch_add(GOLDEN, Ordering::Relaxed));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn grows_exponentially_then_caps() {
        let d = |n| delay(100 * MS, 1000 * MS, n, false, 0);
        assert_eq!(d(0), 100 * MS);
        assert_eq!(d(1), 200 * MS);
        assert_eq!(d(2), 400 * MS);
        assert_eq!(d(3), 800 * MS);
        assert_eq!(d(4), 1000 * MS);
        assert_eq!(d(60), 1000 * MS, "no overflow on huge retry counts");
    }

    #[test]
    fn full_jitter_stays_within_zero_and_the_capped_delay() {
        for i in 0..1000 {
            let d = delay(100 * MS, 1000 * MS, 2, true, random());
            assert!(d <= 400 * MS, "draw {i}: {d:?}");
        }
        assert_eq!(delay(100 * MS, 1000 * MS, 2, true, 0), Duration::ZERO);
        assert_eq!(
            delay(100 * MS, 1000 * MS, 2, true, 400_000_000),
            400 * MS,
            "the upper bound is reachable"
        );
    }

    #[test]
    fn zero_base_means_no_wait() {
        assert_eq!(
            delay(Duration::ZERO, 1000 * MS, 3, true, 12345),
            Duration::ZERO
        );
    }

    #[test]
    fn random_values_differ() {
        let a = random();
        let b = random();
        assert_ne!(a, b);
    }
}
