//! Per-provider `retry_policy` (our extension; schema of spec §5.3 plus the fork of §5.4).
//!
//! Resolved after all providers are built, because `fallback_models` refer to other providers.
//! Defaults: `default_strategy: different_provider`, `default_max_attempts: 3` (attempts include
//! the first request), rules inherit the policy's strategy and attempts, backoff
//! `apply_to: all_retries`, `base_ms: 100`, `max_ms: 5000`, `jitter: true`, and
//! `try_remaining_providers: true` (after the fallback list, the other providers are tried, as
//! in the fork users rely on).

use std::time::Duration;

use crate::errors::Diag;
use crate::model::{
    Backoff, BackoffScope, Provider, RetryPolicy, RetryStrategy, StatusRule, TimeoutRule,
};
use crate::raw::RawRetryPolicy;

use super::{Models, or};

const DEFAULT_ATTEMPTS: u32 = 3;

fn strategy(s: &str) -> RetryStrategy {
    match s {
        "same_model" => RetryStrategy::SameModel,
        "same_provider" => RetryStrategy::SameProvider,
        _ => RetryStrategy::DifferentProvider,
    }
}

/// Resolves each provider's raw policy (same order as `providers`).
pub(crate) fn resolve(
    providers: &[Provider],
    raw: Vec<Option<RawRetryPolicy>>,
    models: &Models<'_>,
    d: &mut Diag,
) -> Vec<Option<RetryPolicy>> {
    raw.into_iter()
        .zip(providers)
        .map(|(r, p)| r.map(|r| policy(r, p, models, d)))
        .collect()
}

fn policy(r: RawRetryPolicy, owner: &Provider, models: &Models<'_>, d: &mut Diag) -> RetryPolicy {
    let mut fallback_models = Vec::new();
    if let Some(list) = r.fallback_models {
        for m in list.v {
            if !models.resolves(&m.v) {
                d.error(
                    &m.loc,
                    format!(
                        "fallback model `{}` is not defined in model_providers{}",
                        m.v,
                        models.hint(&m.v)
                    ),
                );
            } else if m.v == owner.name || m.v == owner.model {
                d.warn(
                    &m.loc,
                    format!("`{}` falls back to itself; the entry is ignored", m.v),
                );
                continue;
            }
            if fallback_models.contains(&m.v) {
                d.warn(
                    &m.loc,
                    format!("`{}` is listed twice in fallback_models", m.v),
                );
                continue;
            }
            fallback_models.push(m.v);
        }
    }
    let default_strategy = r
        .default_strategy
        .map_or(RetryStrategy::DifferentProvider, |s| strategy(&s.v));
    let default_max_attempts = or(r.default_max_attempts, DEFAULT_ATTEMPTS);

    let mut on_status_codes = Vec::with_capacity(r.on_status_codes.len());
    let mut seen_codes: Vec<u16> = Vec::new();
    for rule in r.on_status_codes {
        let mut codes = Vec::with_capacity(rule.codes.len());
        for c in rule.codes {
            if seen_codes.contains(&c.v) {
                d.error(
                    &c.loc,
                    format!(
                        "status code {} appears in more than one on_status_codes rule",
                        c.v
                    ),
                );
                continue;
            }
            seen_codes.push(c.v);
            codes.push(c.v);
        }
        on_status_codes.push(StatusRule {
            codes,
            strategy: rule.strategy.map_or(default_strategy, |s| strategy(&s.v)),
            max_attempts: or(rule.max_attempts, default_max_attempts),
        });
    }
    let on_timeout = r.on_timeout.map(|t| TimeoutRule {
        strategy: t.strategy.map_or(default_strategy, |s| strategy(&s.v)),
        max_attempts: or(t.max_attempts, default_max_attempts),
    });
    let backoff = r.backoff.map(|b| {
        let base = or(b.base_ms, Duration::from_millis(100));
        let max = or(b.max_ms, Duration::from_millis(5000));
        if base > max {
            d.error(
                &b.loc,
                format!(
                    "backoff base_ms ({}) must not exceed max_ms ({})",
                    base.as_millis(),
                    max.as_millis()
                ),
            );
        }
        Backoff {
            apply_to: match b.apply_to.as_ref().map(|s| s.v.as_str()) {
                Some("same_model") => BackoffScope::SameModel,
                Some("same_provider") => BackoffScope::SameProvider,
                _ => BackoffScope::All,
            },
            base,
            max,
            jitter: or(b.jitter, true),
        }
    });

    let uses_other = default_strategy == RetryStrategy::DifferentProvider
        || on_status_codes
            .iter()
            .any(|s| s.strategy == RetryStrategy::DifferentProvider);
    let try_remaining_providers = or(r.try_remaining_providers, true);
    if uses_other && fallback_models.is_empty() && !try_remaining_providers {
        d.warn(
            &r.loc,
            "strategy different_provider with no fallback_models and try_remaining_providers: false \
             has nowhere to go; requests will not be retried elsewhere",
        );
    }

    RetryPolicy {
        fallback_models,
        default_strategy,
        default_max_attempts,
        on_status_codes,
        on_timeout,
        backoff,
        max_retry_duration: r.max_retry_duration.map(|m| m.v),
        try_remaining_providers,
    }
}
