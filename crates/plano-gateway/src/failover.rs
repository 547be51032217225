//! Retry plans and failover chains, built once per provider at start-up.
//!
//! A provider gets a [`Failover`] when it has a `retry_policy`, or when it has none and the
//! model listener sets the legacy `max_retries`; otherwise `None`, and its requests take the
//! single-attempt path with nothing added.
//!
//! The static chain of a `retry_policy` is its `fallback_models`, each resolved like a request's
//! `model` (provider name, full `prefix/model`, bare id, wildcard) in the order written, then —
//! unless `try_remaining_providers: false` — every other provider in declaration order
//! (wildcards and the gateway's internal providers excepted: they name no model). The legacy
//! plan's chain is empty: it only ever retries the same provider.
//!
//! Only the policy of the provider a request resolved to applies; the policies of its
//! fallbacks do not chain (a request never walks more than one chain).

use std::collections::HashMap;
use std::time::Duration;

use plano_config::{Config, Provider, RetryPolicy};
use plano_upstream::retry::RetryPlan;

use crate::resolve::Resolver;

/// A fallback: which provider, and the model id sent to it.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub provider: usize,
    pub model: Box<str>,
}

/// One provider's retry plan and the candidates after it.
#[derive(Debug)]
pub(crate) struct Failover {
    pub plan: RetryPlan,
    /// The chain after the provider itself.
    pub chain: Vec<Candidate>,
}

/// Plans for every provider, indexed like `config.providers`. `budget` bounds the retries of
/// policies without `max_retry_duration_ms` (the listener timeout).
pub(crate) fn plans(
    config: &Config,
    resolver: &Resolver,
    budget: Duration,
) -> Vec<Option<Failover>> {
    let legacy = config
        .model_listener()
        .and_then(|l| l.max_retries)
        .unwrap_or(0);
    let providers = &config.providers;
    providers
        .iter()
        .enumerate()
        .map(|(i, p)| match &p.retry_policy {
            Some(policy) => Some(Failover {
                plan: RetryPlan::from_policy(policy, budget),
                chain: chain(i, policy, providers, resolver),
            }),
            None => RetryPlan::legacy(legacy, budget).map(|plan| Failover {
                plan,
                chain: Vec::new(),
            }),
        })
        .collect()
}

/// Each provider's group: providers whose `model` prefix is the same (case-insensitively) share
/// one, which is what the `same_provider` strategy stays within.
pub(crate) fn groups(providers: &[Provider]) -> Vec<u32> {
    let mut ids: HashMap<String, u32> = HashMap::new();
    providers
        .iter()
        .map(|p| {
            let next = ids.len() as u32;
            *ids.entry(p.prefix.to_ascii_lowercase()).or_insert(next)
        })
        .collect()
}

fn chain(
    owner: usize,
    policy: &RetryPolicy,
    providers: &[Provider],
    resolver: &Resolver,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let own = &providers[owner];
    for name in &policy.fallback_models {
        let Ok(r) = resolver.resolve(providers, Some(name)) else {
            // Validation guarantees every fallback resolves; an alias-only name would land here.
            tracing::warn!(provider = %own.name, fallback = %name, "fallback model does not resolve; ignored");
            continue;
        };
        let is_self = r.provider == owner && *r.upstream_model == *own.model_id;
        let dup = out
            .iter()
            .any(|c| c.provider == r.provider && *c.model == *r.upstream_model);
        if !is_self && !dup {
            out.push(Candidate {
                provider: r.provider,
                model: r.upstream_model.as_ref().into(),
            });
        }
    }
    if policy.try_remaining_providers {
        for (j, p) in providers.iter().enumerate() {
            if j == owner || p.wildcard || p.internal || out.iter().any(|c| c.provider == j) {
                continue;
            }
            out.push(Candidate {
                provider: j,
                model: p.model_id.as_str().into(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(yaml: &str) -> Config {
        plano_config::load_str(yaml, &|_| None, plano_config::EnvPolicy::Lenient)
            .unwrap()
            .config
    }

    const SEED_LIKE: &str = r#"
version: v0.4.0
listeners:
  - type: model
    name: m
    port: 12000
model_providers:
  - model: custom/claude-opus-4-6
    access_key: k
    base_url: http://localhost:1
    provider_interface: openai
    retry_policy:
      fallback_models: [custom-offcial/claude-opus-4-6, custom-aws/claude-opus-4-6]
  - model: custom/claude-sonnet-4-6
    access_key: k
    base_url: http://localhost:1
    provider_interface: openai
  - model: custom-aws/claude-opus-4-6
    access_key: k
    base_url: http://localhost:1
    provider_interface: openai
  - model: custom-offcial/claude-opus-4-6
    access_key: k
    base_url: http://localhost:1
    provider_interface: openai
  - model: anthropic/*
    access_key: k
"#;

    fn chain_of(c: &Config, i: usize) -> Vec<(usize, String)> {
        let built = plans(c, &Resolver::new(c), Duration::from_secs(300));
        built[i]
            .as_ref()
            .unwrap()
            .chain
            .iter()
            .map(|c| (c.provider, c.model.to_string()))
            .collect()
    }

    #[test]
    fn fallbacks_in_order_then_the_remaining_providers() {
        let c = config(SEED_LIKE);
        assert_eq!(
            chain_of(&c, 0),
            vec![
                (3, "claude-opus-4-6".into()),
                (2, "claude-opus-4-6".into()),
                (1, "claude-sonnet-4-6".into()),
            ],
            "fallbacks as written, then the rest; no wildcard"
        );
    }

    #[test]
    fn remaining_providers_can_be_turned_off() {
        let yaml = SEED_LIKE.replace(
            "      fallback_models:",
            "      try_remaining_providers: false\n      fallback_models:",
        );
        let c = config(&yaml);
        assert_eq!(
            chain_of(&c, 0),
            vec![(3, "claude-opus-4-6".into()), (2, "claude-opus-4-6".into())]
        );
    }

    #[test]
    fn a_wildcard_fallback_carries_its_model() {
        let yaml = SEED_LIKE.replace(
            "[custom-offcial/claude-opus-4-6, custom-aws/claude-opus-4-6]",
            "[anthropic/claude-sonnet-4-5]",
        );
        let c = config(&yaml);
        assert_eq!(chain_of(&c, 0)[0], (4, "claude-sonnet-4-5".into()));
    }

    #[test]
    fn legacy_max_retries_only_without_a_policy() {
        let yaml = SEED_LIKE.replace("    port: 12000", "    port: 12000\n    max_retries: 2");
        let c = config(&yaml);
        let built = plans(&c, &Resolver::new(&c), Duration::from_secs(300));
        assert!(!built[0].as_ref().unwrap().chain.is_empty(), "policy wins");
        assert!(
            built[1].as_ref().unwrap().chain.is_empty(),
            "legacy: same provider only"
        );
        let c = config(SEED_LIKE);
        let built = plans(&c, &Resolver::new(&c), Duration::from_secs(300));
        assert!(built[1].is_none(), "no policy, no max_retries: no plan");
    }

    #[test]
    fn groups_follow_the_prefix() {
        let c = config(SEED_LIKE);
        let g = groups(&c.providers);
        assert_eq!(g[0], g[1]);
        assert_ne!(g[0], g[2]);
        assert_ne!(g[2], g[3]);
    }
}
