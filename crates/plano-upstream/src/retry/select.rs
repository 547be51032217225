//! Choosing the next candidate of a failover chain.
//!
//! A chain is the ordered list of (provider, model) pairs one request may use: position 0 is the
//! provider the request resolved to, then its `fallback_models` in order, then (unless turned
//! off) every other provider in declaration order. Each position carries a *group*: providers
//! with the same model prefix (`custom/…`, `custom-aws/…`) share one, which is what
//! `same_provider` means.
//!
//! Strategies:
//! - `same_model`: the candidate that just failed, again.
//! - `same_provider`: another candidate of the failed one's group; the failed one itself when its
//!   group has no other member.
//! - `different_provider`: any other candidate (another `model_providers` entry, with its own
//!   key and channel), in chain order.
//!
//! Preference among the allowed candidates, first match wins: healthy and not yet tried in this
//! request → healthy and tried (a second round) → cooling down and not yet tried. Chain order
//! breaks ties. A cooling-down candidate is still chosen when nothing healthy is left: trying a
//! provider that may have recovered beats failing without trying. A candidate that failed in
//! this request *and* is cooling down is never chosen again by these two strategies: it just
//! told us (by `Retry-After` or by failing once too often) not to come back yet.
//!
//! Health is asked lazily, in preference order, and only until a healthy candidate is found,
//! because asking may claim a half-open circuit's single probe (see [`crate::health`]): only
//! the candidate actually chosen may claim it.

use plano_config::RetryStrategy;

/// What the selector knows about a chain.
pub struct ChainView<'a> {
    /// Group of each chain position.
    pub groups: &'a [u32],
    /// Whether each position was already attempted in this request.
    pub tried: &'a [bool],
}

/// Picks the candidate to try after `current` failed, or `None` when the strategy allows none.
pub fn pick(
    strategy: RetryStrategy,
    current: usize,
    chain: &ChainView<'_>,
    available: &mut dyn FnMut(usize) -> bool,
) -> Option<usize> {
    match strategy {
        RetryStrategy::SameModel => Some(current),
        RetryStrategy::SameProvider => {
            let group = chain.groups.get(current).copied();
            best(chain, available, |i| {
                i != current && chain.groups.get(i).copied() == group
            })
            .or(Some(current))
        }
        RetryStrategy::DifferentProvider => best(chain, available, |i| i != current),
    }
}

/// The first attempt of a request: the resolved provider unless it is cooling down and some
/// other candidate is healthy.
pub fn first(chain: &ChainView<'_>, available: &mut dyn FnMut(usize) -> bool) -> usize {
    if available(0) {
        return 0;
    }
    (1..chain.groups.len()).find(|&i| available(i)).unwrap_or(0)
}

fn best(
    chain: &ChainView<'_>,
    available: &mut dyn FnMut(usize) -> bool,
    allowed: impl Fn(usize) -> bool,
) -> Option<usize> {
    let n = chain.groups.len();
    let tried = |i: usize| chain.tried.get(i).copied().unwrap_or(false);
    // Healthy first: untried, then tried. Health is only asked of allowed candidates.
    for want_tried in [false, true] {
        for i in 0..n {
            if allowed(i) && tried(i) == want_tried && available(i) {
                return Some(i);
            }
        }
    }
    // Nothing healthy: still try one not tried yet rather than give up without trying.
    (0..n).find(|&i| allowed(i) && !tried(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    use RetryStrategy::*;

    fn view<'a>(groups: &'a [u32], tried: &'a [bool]) -> ChainView<'a> {
        ChainView { groups, tried }
    }

    fn healthy(_: usize) -> bool {
        true
    }

    #[test]
    fn same_model_stays() {
        let v = view(&[0, 1, 2], &[true, false, false]);
        assert_eq!(pick(SameModel, 0, &v, &mut healthy), Some(0));
    }

    #[test]
    fn different_provider_walks_the_chain_in_order() {
        let v = view(&[0, 1, 2], &[true, false, false]);
        assert_eq!(pick(DifferentProvider, 0, &v, &mut healthy), Some(1));
        let v = view(&[0, 1, 2], &[true, true, false]);
        assert_eq!(pick(DifferentProvider, 1, &v, &mut healthy), Some(2));
        // Every candidate tried: a second round, never the one that just failed.
        let v = view(&[0, 1, 2], &[true, true, true]);
        assert_eq!(pick(DifferentProvider, 2, &v, &mut healthy), Some(0));
        // Alone in the chain: nowhere to go.
        let v = view(&[0], &[true]);
        assert_eq!(pick(DifferentProvider, 0, &v, &mut healthy), None);
    }

    #[test]
    fn same_provider_stays_within_the_group() {
        // custom/a, custom-aws/a, custom/b
        let v = view(&[0, 1, 0], &[true, false, false]);
        assert_eq!(pick(SameProvider, 0, &v, &mut healthy), Some(2));
        // No other member: the same candidate again.
        assert_eq!(pick(SameProvider, 1, &v, &mut healthy), Some(1));
    }

    #[test]
    fn healthy_candidates_win_but_cooling_ones_are_still_tried() {
        let v = view(&[0, 1, 2, 3], &[true, false, false, false]);
        let mut cooling_1 = |i| i != 1;
        assert_eq!(pick(DifferentProvider, 0, &v, &mut cooling_1), Some(2));
        // A tried healthy candidate beats an untried cooling one.
        let v = view(&[0, 1, 2], &[true, true, false]);
        let mut only_0 = |i| i == 0;
        assert_eq!(pick(DifferentProvider, 1, &v, &mut only_0), Some(0));
        // Everything cooling: the first untried in chain order.
        let v = view(&[0, 1, 2], &[true, false, false]);
        let mut none = |_| false;
        assert_eq!(pick(DifferentProvider, 0, &v, &mut none), Some(1));
        // Tried and cooling down: not again in this request.
        let v = view(&[0, 1, 2], &[true, true, true]);
        assert_eq!(pick(DifferentProvider, 2, &v, &mut none), None);
        assert_eq!(
            pick(SameProvider, 2, &v, &mut none),
            Some(2),
            "falls back to itself"
        );
    }

    #[test]
    fn health_is_asked_lazily_and_only_until_a_match() {
        let v = view(&[0, 1, 2, 3], &[true, false, false, false]);
        let mut asked = Vec::new();
        let mut avail = |i| {
            asked.push(i);
            i == 2
        };
        assert_eq!(pick(DifferentProvider, 0, &v, &mut avail), Some(2));
        assert_eq!(asked, vec![1, 2], "candidate 3 must not claim a probe");
    }

    #[test]
    fn first_attempt_skips_a_cooling_primary() {
        let v = view(&[0, 1, 2], &[false, false, false]);
        assert_eq!(first(&v, &mut healthy), 0);
        assert_eq!(first(&v, &mut |i| i != 0), 1);
        assert_eq!(first(&v, &mut |i| i == 2), 2);
        assert_eq!(
            first(&v, &mut |_| false),
            0,
            "all cooling: the primary anyway"
        );
    }
}
