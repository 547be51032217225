//! The retry decision, without I/O: rules per status, attempt and time budgets, backoff scope,
//! Retry-After handling.

use std::time::Duration;

use plano_config::{Backoff, BackoffScope, RetryPolicy, RetryStrategy, StatusRule, TimeoutRule};

use super::*;
use crate::retry::select::ChainView;

use RetryStrategy::*;

const MS: Duration = Duration::from_millis(1);

/// The seed 004 policy: fallbacks, different_provider, 3 attempts, 401/429/503 listed.
fn seed_policy() -> RetryPolicy {
    RetryPolicy {
        fallback_models: vec!["custom-aws/claude-opus-4-6".into()],
        default_strategy: DifferentProvider,
        default_max_attempts: 3,
        on_status_codes: vec![StatusRule {
            codes: vec![401, 429, 503],
            strategy: DifferentProvider,
            max_attempts: 3,
        }],
        on_timeout: None,
        backoff: Some(Backoff {
            apply_to: BackoffScope::SameModel,
            base: 100 * MS,
            max: 1000 * MS,
            jitter: false,
        }),
        max_retry_duration: None,
        try_remaining_providers: true,
    }
}

fn plan(p: &RetryPolicy) -> RetryPlan {
    RetryPlan::from_policy(p, Duration::from_secs(300))
}

struct Case {
    groups: Vec<u32>,
    tried: Vec<bool>,
    made: u32,
    current: usize,
    elapsed: Duration,
}

impl Case {
    fn new(n: usize) -> Self {
        let mut tried = vec![false; n];
        tried[0] = true;
        Case {
            groups: (0..n as u32).collect(),
            tried,
            made: 1,
            current: 0,
            elapsed: Duration::ZERO,
        }
    }

    fn next(&self, plan: &RetryPlan, f: Failure, retry_after: Option<Duration>) -> Next {
        let progress = Progress {
            made: self.made,
            current: self.current,
            elapsed: self.elapsed,
            chain: ChainView {
                groups: &self.groups,
                tried: &self.tried,
            },
        };
        plan.next(f, retry_after, &progress, &mut |_| true, 0)
    }
}

#[test]
fn listed_unlisted_and_never_retried_statuses() {
    let p = plan(&seed_policy());
    let c = Case::new(3);
    let to_1 = Next::Retry {
        target: 1,
        delay: Duration::ZERO,
    };
    assert_eq!(c.next(&p, Failure::Status(401), None), to_1, "listed 401");
    assert_eq!(c.next(&p, Failure::Status(429), None), to_1);
    assert_eq!(c.next(&p, Failure::Status(500), None), to_1, "unlisted 5xx");
    assert_eq!(c.next(&p, Failure::Status(408), None), to_1, "unlisted 408");
    assert_eq!(c.next(&p, Failure::Transport, None), to_1);
    assert_eq!(c.next(&p, Failure::Timeout, None), to_1);
    for code in [400, 403, 404, 413, 422] {
        assert_eq!(
            c.next(&p, Failure::Status(code), None),
            Next::Stop(Stop::NotRetryable),
            "{code}"
        );
    }
}

#[test]
fn attempts_count_the_first_request_and_rules_set_their_own_limit() {
    let mut policy = seed_policy();
    policy.on_status_codes.push(StatusRule {
        codes: vec![529],
        strategy: DifferentProvider,
        max_attempts: 5,
    });
    let p = plan(&policy);
    let mut c = Case::new(6);
    c.made = 2;
    assert!(matches!(
        c.next(&p, Failure::Status(503), None),
        Next::Retry { .. }
    ));
    c.made = 3;
    assert_eq!(
        c.next(&p, Failure::Status(503), None),
        Next::Stop(Stop::AttemptsExhausted)
    );
    assert!(
        matches!(c.next(&p, Failure::Status(529), None), Next::Retry { .. }),
        "529's rule allows 5"
    );
    c.made = 5;
    assert_eq!(
        c.next(&p, Failure::Status(529), None),
        Next::Stop(Stop::AttemptsExhausted)
    );
}

#[test]
fn on_timeout_has_its_own_rule() {
    let mut policy = seed_policy();
    policy.on_timeout = Some(TimeoutRule {
        strategy: SameModel,
        max_attempts: 2,
    });
    let p = plan(&policy);
    let mut c = Case::new(3);
    assert_eq!(
        c.next(&p, Failure::Timeout, None),
        Next::Retry {
            target: 0,
            delay: 100 * MS
        },
        "same model, backoff applies"
    );
    c.made = 2;
    assert_eq!(
        c.next(&p, Failure::Timeout, None),
        Next::Stop(Stop::AttemptsExhausted)
    );
}

#[test]
fn backoff_applies_by_scope_and_grows() {
    let mut policy = seed_policy();
    policy.default_strategy = SameModel;
    let p = plan(&policy);
    let mut c = Case::new(3);
    // 500 is unlisted → default rule → same model → backoff applies (scope same_model).
    assert_eq!(
        c.next(&p, Failure::Status(500), None),
        Next::Retry {
            target: 0,
            delay: 100 * MS
        }
    );
    c.made = 2;
    assert_eq!(
        c.next(&p, Failure::Status(500), None),
        Next::Retry {
            target: 0,
            delay: 200 * MS
        }
    );
    // 503 fails over: no backoff under scope same_model …
    assert_eq!(
        c.next(&p, Failure::Status(503), None),
        Next::Retry {
            target: 1,
            delay: Duration::ZERO
        }
    );
    // … but with all_retries it waits too.
    policy.backoff = Some(Backoff {
        apply_to: BackoffScope::All,
        base: 100 * MS,
        max: 1000 * MS,
        jitter: false,
    });
    let p = plan(&policy);
    assert_eq!(
        c.next(&p, Failure::Status(503), None),
        Next::Retry {
            target: 1,
            delay: 200 * MS
        }
    );
    // same_provider scope: a candidate of the same group waits, another group does not.
    policy.backoff = Some(Backoff {
        apply_to: BackoffScope::SameProvider,
        base: 100 * MS,
        max: 1000 * MS,
        jitter: false,
    });
    let p = plan(&policy);
    c.groups = vec![7, 7, 8];
    assert_eq!(
        c.next(&p, Failure::Status(503), None),
        Next::Retry {
            target: 1,
            delay: 200 * MS
        }
    );
}

#[test]
fn retry_after_sets_the_wait_on_the_same_candidate() {
    let mut policy = seed_policy();
    policy.default_strategy = SameModel;
    policy.on_status_codes.clear();
    let p = plan(&policy);
    let c = Case::new(2);
    assert_eq!(
        c.next(&p, Failure::Status(429), Some(2000 * MS)),
        Next::Retry {
            target: 0,
            delay: 2000 * MS
        }
    );
    // Shorter than the backoff: the backoff wins.
    assert_eq!(
        c.next(&p, Failure::Status(429), Some(10 * MS)),
        Next::Retry {
            target: 0,
            delay: 100 * MS
        }
    );
}

#[test]
fn a_wait_longer_than_allowed_fails_over_instead() {
    let mut policy = seed_policy();
    policy.default_strategy = SameModel;
    policy.on_status_codes.clear();
    policy.max_retry_duration = Some(Duration::from_secs(5));
    let p = plan(&policy);
    let c = Case::new(2);
    assert_eq!(
        c.next(&p, Failure::Status(429), Some(Duration::from_secs(30))),
        Next::Retry {
            target: 1,
            delay: Duration::ZERO
        },
        "30 s exceeds the 5 s budget: fail over now"
    );
    let p = plan(&RetryPolicy {
        max_retry_duration: None,
        ..policy.clone()
    });
    assert!(
        matches!(
            c.next(&p, Failure::Status(429), Some(Duration::from_secs(61))),
            Next::Retry { target: 1, .. }
        ),
        "over the in-request cap"
    );
    let alone = Case::new(1);
    assert_eq!(
        alone.next(&p, Failure::Status(429), Some(Duration::from_secs(61))),
        Next::Stop(Stop::WaitTooLong)
    );
}

#[test]
fn time_budget_bounds_attempts_and_waits() {
    let mut policy = seed_policy();
    policy.max_retry_duration = Some(1000 * MS);
    policy.default_strategy = SameModel;
    let p = plan(&policy);
    let mut c = Case::new(2);
    c.elapsed = 1000 * MS;
    assert_eq!(
        c.next(&p, Failure::Status(503), None),
        Next::Stop(Stop::BudgetExhausted)
    );
    c.elapsed = 950 * MS;
    assert_eq!(
        c.next(&p, Failure::Status(500), None),
        Next::Stop(Stop::BudgetExhausted),
        "a 100 ms backoff would end past the budget"
    );
}

#[test]
fn different_provider_alone_has_nowhere_to_go() {
    let p = plan(&seed_policy());
    let c = Case::new(1);
    assert_eq!(
        c.next(&p, Failure::Status(503), None),
        Next::Stop(Stop::NoCandidate)
    );
}

#[test]
fn legacy_max_retries_is_same_provider_on_429_and_5xx() {
    assert!(RetryPlan::legacy(0, Duration::from_secs(300)).is_none());
    let p = RetryPlan::legacy(2, Duration::from_secs(300)).unwrap();
    let mut c = Case::new(1);
    for f in [
        Failure::Status(429),
        Failure::Status(500),
        Failure::Status(502),
        Failure::Status(503),
        Failure::Status(504),
        Failure::Transport,
        Failure::Timeout,
    ] {
        match c.next(&p, f, None) {
            Next::Retry { target: 0, delay } => assert!(delay <= 500 * MS, "{f:?}: {delay:?}"),
            other => panic!("{f:?}: {other:?}"),
        }
    }
    for code in [400, 401, 404, 408] {
        assert_eq!(
            c.next(&p, Failure::Status(code), None),
            Next::Stop(Stop::NotRetryable)
        );
    }
    c.made = 3;
    assert_eq!(
        c.next(&p, Failure::Status(503), None),
        Next::Stop(Stop::AttemptsExhausted),
        "max_retries: 2 means three attempts"
    );
}

#[test]
fn defaults_without_a_backoff_block() {
    let mut policy = seed_policy();
    policy.backoff = None;
    policy.default_strategy = SameModel;
    let p = plan(&policy);
    let c = Case::new(1);
    match c.next(&p, Failure::Status(500), None) {
        Next::Retry { target: 0, delay } => assert!(delay <= 100 * MS),
        other => panic!("{other:?}"),
    }
}
