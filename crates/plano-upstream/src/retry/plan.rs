//! [`RetryPlan`]: one provider's retry rules, and the decision after each failed attempt.
//!
//! Built once at start-up, from the provider's `retry_policy` (spec §5.3/§5.4) or, when it has
//! none, from the model listener's legacy `max_retries` (spec §5.1). A provider with neither has
//! no plan and its requests get exactly one attempt.
//!
//! Semantics (documented for users in ARCHITECTURE.md, "Decisions"):
//! - A failure is an HTTP status, a timeout (no response head, or no first stream event, in
//!   time) or a transport error (connect, reset, broken HTTP).
//! - A status listed in `on_status_codes` uses its rule. An unlisted 408, 429 or 5xx uses the
//!   default rule. Any other status (400, 401, 404, …) is returned to the client untouched —
//!   unless listed, as the fork's `[401, 429, 503]` does to skip a bad key.
//! - Timeouts use `on_timeout` (else the default rule); transport errors the default rule.
//! - `max_attempts` counts every attempt of the request, the first included, whatever
//!   candidates they went to: after a failure governed by a rule allowing N attempts, another
//!   attempt is made only if fewer than N were made.
//! - The time budget (`max_retry_duration_ms`, else the listener `timeout`) runs from the start
//!   of the first attempt; no attempt starts, and no wait is begun, that would end past it.
//! - A `Retry-After` on a failure of the candidate about to be retried is waited out (at least
//!   the backoff), but only up to [`MAX_IN_REQUEST_WAIT`] and within the budget; a longer wait
//!   fails over to another candidate instead, or stops when there is none.

use std::time::Duration;

use plano_config::{Backoff, BackoffScope, RetryPolicy, RetryStrategy};

use super::backoff;
use super::select::{self, ChainView};
use crate::UpstreamErrorKind;

/// The longest `Retry-After` the gateway waits out inside one request. Longer requests to wait
/// are better served by another provider, or by the client itself.
pub const MAX_IN_REQUEST_WAIT: Duration = Duration::from_secs(60);

/// What went wrong with one attempt, before anything reached the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The provider answered with this (non-2xx) status.
    Status(u16),
    /// No response head, or no first stream event, within the first-byte timeout.
    Timeout,
    /// Connection refused or reset, TLS failure, malformed HTTP, stream closed before its first
    /// event.
    Transport,
}

impl Failure {
    pub fn of_error(kind: UpstreamErrorKind) -> Self {
        match kind {
            UpstreamErrorKind::FirstByteTimeout | UpstreamErrorKind::IdleTimeout => {
                Failure::Timeout
            }
            UpstreamErrorKind::Connect | UpstreamErrorKind::Protocol => Failure::Transport,
        }
    }
}

/// How to retry after one kind of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub strategy: RetryStrategy,
    /// Attempts of the whole request, the first included.
    pub max_attempts: u32,
}

/// Where a request stands after a failed attempt.
pub struct Progress<'a> {
    /// Attempts made so far, the failed one included.
    pub made: u32,
    /// Chain position of the candidate that just failed.
    pub current: usize,
    /// Time since the first attempt started.
    pub elapsed: Duration,
    pub chain: ChainView<'a>,
}

/// The decision after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Wait `delay`, then try chain position `target`.
    Retry {
        target: usize,
        delay: Duration,
    },
    Stop(Stop),
}

/// Why no further attempt is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The failure is not retryable under the plan (e.g. a 400).
    NotRetryable,
    AttemptsExhausted,
    BudgetExhausted,
    /// The strategy allows no candidate (different_provider with a one-entry chain).
    NoCandidate,
    /// The provider asked for a wait longer than allowed, and nothing else may be tried.
    WaitTooLong,
}

impl Stop {
    pub fn as_str(self) -> &'static str {
        match self {
            Stop::NotRetryable => "not_retryable",
            Stop::AttemptsExhausted => "attempts_exhausted",
            Stop::BudgetExhausted => "time_budget_exhausted",
            Stop::NoCandidate => "no_candidate",
            Stop::WaitTooLong => "retry_after_too_long",
        }
    }
}

/// One provider's retry rules.
#[derive(Debug, Clone)]
pub struct RetryPlan {
    codes: Vec<(u16, Rule)>,
    default: Rule,
    timeout: Rule,
    /// Whether an unlisted 408 is retried: yes for `retry_policy`, no for the legacy list,
    /// which mirrors upstream's Envoy `retriable_status_codes`.
    retry_408: bool,
    backoff: Backoff,
    budget: Duration,
}

impl RetryPlan {
    /// The plan of a provider's `retry_policy`. `default_budget` (the listener timeout) bounds
    /// the retries when the policy sets no `max_retry_duration_ms`.
    pub fn from_policy(p: &RetryPolicy, default_budget: Duration) -> Self {
        let default = Rule {
            strategy: p.default_strategy,
            max_attempts: p.default_max_attempts,
        };
        let codes = p
            .on_status_codes
            .iter()
            .flat_map(|r| {
                let rule = Rule {
                    strategy: r.strategy,
                    max_attempts: r.max_attempts,
                };
                r.codes.iter().map(move |&c| (c, rule))
            })
            .collect();
        let timeout = p.on_timeout.as_ref().map_or(default, |t| Rule {
            strategy: t.strategy,
            max_attempts: t.max_attempts,
        });
        RetryPlan {
            codes,
            default,
            timeout,
            retry_408: true,
            backoff: p.backoff.clone().unwrap_or(Backoff {
                apply_to: BackoffScope::All,
                base: Duration::from_millis(100),
                max: Duration::from_millis(5000),
                jitter: true,
            }),
            budget: p.max_retry_duration.unwrap_or(default_budget),
        }
    }

    /// The legacy `listeners[].max_retries`, as upstream's Envoy route did it: the same
    /// provider again on 429, 5xx, connect failures, resets and timeouts, `max_retries` retries
    /// after the first attempt, jittered exponential backoff from 0.5 s up to 5 s. `None` when
    /// retries are off.
    pub fn legacy(max_retries: u32, budget: Duration) -> Option<Self> {
        if max_retries == 0 {
            return None;
        }
        let rule = Rule {
            strategy: RetryStrategy::SameModel,
            max_attempts: max_retries.saturating_add(1),
        };
        Some(RetryPlan {
            codes: Vec::new(),
            default: rule,
            timeout: rule,
            retry_408: false,
            backoff: Backoff {
                apply_to: BackoffScope::All,
                base: Duration::from_millis(500),
                max: Duration::from_secs(5),
                jitter: true,
            },
            budget,
        })
    }

    /// The plan of a routed request whose provider has no `retry_policy`: the route's models
    /// are its failover chain (spec §14.5). Each candidate gets one attempt, on 429, 5xx,
    /// timeouts and transport failures, with a short jittered backoff.
    pub fn route_chain(candidates: usize, budget: Duration) -> Self {
        let rule = Rule {
            strategy: RetryStrategy::DifferentProvider,
            max_attempts: u32::try_from(candidates).unwrap_or(u32::MAX).max(1),
        };
        RetryPlan {
            codes: Vec::new(),
            default: rule,
            timeout: rule,
            retry_408: true,
            backoff: Backoff {
                apply_to: BackoffScope::All,
                base: Duration::from_millis(50),
                max: Duration::from_secs(1),
                jitter: true,
            },
            budget,
        }
    }

    /// The rule for a failure, `None` when it is not retried.
    pub fn rule(&self, failure: Failure) -> Option<Rule> {
        match failure {
            Failure::Status(code) => {
                if let Some((_, rule)) = self.codes.iter().find(|(c, _)| *c == code) {
                    return Some(*rule);
                }
                let retryable =
                    code == 429 || (500..=599).contains(&code) || (code == 408 && self.retry_408);
                retryable.then_some(self.default)
            }
            Failure::Timeout => Some(self.timeout),
            Failure::Transport => Some(self.default),
        }
    }

    /// The overall time budget for all attempts of a request.
    pub fn budget(&self) -> Duration {
        self.budget
    }

    /// What to do after a failed attempt.
    ///
    /// `retry_after` is the wait the failed response asked for; `available` reports (and for a
    /// half-open circuit, claims) a chain position's health; `random` feeds the jitter.
    pub fn next(
        &self,
        failure: Failure,
        retry_after: Option<Duration>,
        progress: &Progress<'_>,
        available: &mut dyn FnMut(usize) -> bool,
        random: u64,
    ) -> Next {
        let Some(rule) = self.rule(failure) else {
            return Next::Stop(Stop::NotRetryable);
        };
        if progress.made >= rule.max_attempts {
            return Next::Stop(Stop::AttemptsExhausted);
        }
        let remaining = match self.budget.checked_sub(progress.elapsed) {
            Some(r) if !r.is_zero() => r,
            _ => return Next::Stop(Stop::BudgetExhausted),
        };
        let current = progress.current;
        let chain = &progress.chain;
        let Some(mut target) = select::pick(rule.strategy, current, chain, available) else {
            return Next::Stop(Stop::NoCandidate);
        };
        let mut delay = self.backoff(progress, target, random);
        if target == current
            && let Some(wait) = retry_after
        {
            if wait > MAX_IN_REQUEST_WAIT || wait >= remaining {
                // Sleeping that long is not an option; another candidate now is.
                match select::pick(RetryStrategy::DifferentProvider, current, chain, available) {
                    Some(other) => {
                        target = other;
                        delay = self.backoff(progress, other, random);
                    }
                    None => return Next::Stop(Stop::WaitTooLong),
                }
            } else {
                delay = delay.max(wait);
            }
        }
        if delay >= remaining {
            return Next::Stop(Stop::BudgetExhausted);
        }
        Next::Retry { target, delay }
    }

    fn backoff(&self, progress: &Progress<'_>, target: usize, random: u64) -> Duration {
        let current = progress.current;
        let group = |i: usize| progress.chain.groups.get(i).copied();
        let applies = match self.backoff.apply_to {
            BackoffScope::All => true,
            BackoffScope::SameModel => target == current,
            BackoffScope::SameProvider => group(target) == group(current),
        };
        if !applies {
            return Duration::ZERO;
        }
        backoff::delay(
            self.backoff.base,
            self.backoff.max,
            progress.made.saturating_sub(1),
            self.backoff.jitter,
            random,
        )
    }
}

#[cfg(test)]
mod tests;
