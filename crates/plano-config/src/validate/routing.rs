//! Model aliases, routing preferences, metrics sources, `routing` and `prompt_caching`
//! (spec §1.6–1.10; rules 7 and 19 of §1.19.2 and the §1.19.3 startup checks).

use std::collections::HashSet;

use indexmap::IndexMap;

use crate::errors::{Diag, Sp};
use crate::model::{
    MetricsSource, PromptCaching, Routing, RoutingBudget, RoutingPreference, SelectionPreference,
    SessionCache,
};
use crate::raw::{RawAlias, RawMetricsSource, RawPromptCaching, RawRoute, RawRouting};
use crate::secret::Secret;

use super::{Models, list_names, or};

pub(crate) fn aliases(
    raw: Vec<RawAlias>,
    models: &Models<'_>,
    d: &mut Diag,
) -> IndexMap<String, String> {
    let mut out = IndexMap::with_capacity(raw.len());
    for a in raw {
        let Some(target) = a.target else { continue };
        if !models.resolves(&target.v) {
            d.error(
                &target.loc,
                format!(
                    "Model alias '{}' targets '{}' which is not defined as a model{}. Available models: {}",
                    a.name.v,
                    target.v,
                    models.hint(&target.v),
                    list_names(models.names())
                ),
            );
        }
        out.insert(a.name.v, target.v);
    }
    out
}

pub(crate) fn metrics_sources(raw: Vec<RawMetricsSource>, d: &mut Diag) -> Vec<MetricsSource> {
    let mut out = Vec::with_capacity(raw.len());
    let (mut cost, mut latency) = (false, false);
    for r in raw {
        let Some(kind) = r.kind else { continue };
        let Some(provider) = r.provider else { continue };
        let refresh_interval = r.refresh_interval.map(|s| s.v);
        if kind.v == "cost" {
            if std::mem::replace(&mut cost, true) {
                d.error(
                    &r.loc,
                    "model_metrics_sources: only one cost metrics source is allowed",
                );
            }
            out.push(MetricsSource::Cost {
                provider: provider.v,
                url: r.url.map(|u| check_http(u, d)),
                refresh_interval,
                model_aliases: r
                    .model_aliases
                    .into_iter()
                    .map(|(k, v)| (k.v, v.v))
                    .collect(),
            });
        } else {
            if std::mem::replace(&mut latency, true) {
                d.error(
                    &r.loc,
                    "model_metrics_sources: only one latency metrics source is allowed",
                );
            }
            let (Some(url), Some(query)) = (r.url, r.query) else {
                continue;
            };
            out.push(MetricsSource::Latency {
                provider: provider.v,
                url: check_http(url, d),
                query: query.v,
                refresh_interval,
            });
        }
    }
    out
}

fn check_http(u: Sp<String>, d: &mut Diag) -> String {
    if let Err(why) = crate::url::parse(&u.v, &["http", "https"]) {
        d.error(&u.loc, format!("invalid url `{}`: {why}", u.v));
    }
    u.v
}

fn has_cost(s: &[MetricsSource]) -> bool {
    s.iter().any(|m| matches!(m, MetricsSource::Cost { .. }))
}

pub(crate) fn routes(
    raw: Option<Sp<Vec<RawRoute>>>,
    models: &Models<'_>,
    sources: &[MetricsSource],
    d: &mut Diag,
) -> Vec<RoutingPreference> {
    let Some(raw) = raw else { return Vec::new() };
    let mut names = HashSet::new();
    let mut out = Vec::with_capacity(raw.v.len());
    for r in raw.v {
        let Some(name) = r.name else { continue };
        if !names.insert(name.v.clone()) {
            d.error(
                &name.loc,
                format!(
                    "Duplicate routing preference name \"{}\", please provide unique name for each routing preference",
                    name.v
                ),
            );
        }
        let mut list = Vec::new();
        for m in r.models.map(|m| m.v).unwrap_or_default() {
            if !models.resolves(&m.v) {
                d.error(
                    &m.loc,
                    format!(
                        "routing_preferences route '{}' references model '{}' which is not declared in model_providers{}",
                        name.v,
                        m.v,
                        models.hint(&m.v)
                    ),
                );
            }
            if !list.contains(&m.v) {
                list.push(m.v);
            }
        }
        let prefer = match r.prefer.as_ref().map(|p| p.v.as_str()) {
            Some("cheapest") => SelectionPreference::Cheapest,
            Some("fastest") => SelectionPreference::Fastest,
            _ => SelectionPreference::None,
        };
        let missing = match prefer {
            SelectionPreference::Cheapest if !has_cost(sources) => Some(("cheapest", "cost")),
            SelectionPreference::Fastest
                if !sources
                    .iter()
                    .any(|m| matches!(m, MetricsSource::Latency { .. })) =>
            {
                Some(("fastest", "latency"))
            }
            _ => None,
        };
        if let (Some((p, src)), Some(loc)) = (missing, r.prefer.as_ref().map(|p| &p.loc)) {
            d.error(
                loc,
                format!(
                    "routing_preferences route '{}' uses prefer: {p} but no {src} metrics source is configured — \
                     add a {src} metrics source to model_metrics_sources",
                    name.v
                ),
            );
        }
        out.push(RoutingPreference {
            name: name.v,
            description: r.description.map(|s| s.v).unwrap_or_default(),
            models: list,
            prefer,
        });
    }
    out
}

/// Upstream clamps larger values silently; we clamp and say so.
const MAX_SESSION_ENTRIES: u64 = 10_000;

pub(crate) fn routing(
    raw: Option<RawRouting>,
    sources: &[MetricsSource],
    caching: Option<&RawPromptCaching>,
    d: &mut Diag,
) -> Routing {
    let Some(r) = raw else {
        return Routing::default();
    };
    for dead in [&r.llm_provider, &r.model].into_iter().flatten() {
        d.warn(&dead.loc, "has no effect (legacy key); remove it");
    }
    let session_max_entries = r.session_max_entries.map(|m| {
        if m.v > MAX_SESSION_ENTRIES {
            d.warn(
                &m.loc,
                format!("session_max_entries is capped at {MAX_SESSION_ENTRIES}"),
            );
        }
        m.v.min(MAX_SESSION_ENTRIES)
    });
    let session_cache = r.session_cache.map(|c| {
        let kind = or(c.kind, "memory".to_owned());
        let url = match (kind.as_str(), c.url) {
            ("redis", None) => {
                d.error(&c.loc, "session_cache.url is required when type is redis");
                None
            }
            ("redis", Some(u)) => {
                if let Err(why) = crate::url::parse(&u.v, &["redis", "rediss"]) {
                    d.error(&u.loc, format!("invalid session_cache.url: {why}"));
                }
                Some(Secret::new(u.v))
            }
            (_, Some(u)) => {
                d.warn(&u.loc, "session_cache.url is ignored for the memory cache");
                None
            }
            (_, None) => None,
        };
        SessionCache {
            kind,
            url,
            tenant_header: c.tenant_header.map(|t| t.v),
        }
    });
    let routing_budget = r.routing_budget.map(|b| {
        let pct = b.max_switch_spend_pct.map_or(0.0, |p| {
            if !(0.0..=100.0).contains(&p.v) {
                d.error(
                    &p.loc,
                    format!(
                        "routing.routing_budget.max_switch_spend_pct: must be a number between 0 and 100 \
                         (percent, e.g. 20 for 20%), got {}",
                        p.v
                    ),
                );
            }
            p.v
        });
        let discount = b.cache_read_discount.map_or(0.1, |c| {
            if !(0.0..=1.0).contains(&c.v) {
                d.error(&c.loc, format!("routing.routing_budget.cache_read_discount: must be between 0.0 and 1.0, got {}", c.v));
            }
            c.v
        });
        if !has_cost(sources) {
            d.error(
                &b.loc,
                "routing.routing_budget is configured but no cost metrics source is configured — add a cost \
                 source (e.g. models.dev) to model_metrics_sources so per-model input/cached rates are available \
                 for the switch-cost calculation",
            );
        }
        RoutingBudget {
            max_switch_spend_pct: pct,
            replenish_on_rebind: or(b.replenish_on_rebind, true),
            cache_read_discount: discount,
            record_counterfactual: or(b.record_counterfactual, false),
        }
    });
    let route_on_user_only = or(r.route_on_user_only, false);

    // A shared (redis) session cache without a tenant header mixes tenants' sessions. Upstream
    // warns whenever affinity is on; with the in-process cache there is only one tenant, so we
    // warn only for redis.
    if let Some(c) = &session_cache {
        let affinity = caching
            .is_some_and(|p| or(p.enabled.clone(), false) && or(p.session_affinity.clone(), true));
        if c.kind == "redis"
            && c.tenant_header.is_none()
            && (affinity || routing_budget.is_some() || route_on_user_only)
        {
            d.warn(&r.loc, "session affinity uses a shared redis cache without session_cache.tenant_header; sessions of different tenants share keys");
        }
    }

    Routing {
        llm_provider: r.llm_provider.map(|s| s.v),
        model: r.model.map(|s| s.v),
        session_ttl_seconds: r.session_ttl_seconds.map(|s| s.v),
        session_max_entries,
        session_cache,
        routing_budget,
        route_on_user_only,
        router_timeout: r.router_timeout.map(|t| t.v),
        router_flavor: r.router_flavor.map(|f| f.v),
    }
}

/// `enabled: false` (the default) turns every sub-feature off, whatever else is set.
pub(crate) fn prompt_caching(raw: Option<RawPromptCaching>, d: &mut Diag) -> PromptCaching {
    let Some(r) = raw else {
        return PromptCaching {
            min_prefix_tokens: 1024,
            ..PromptCaching::default()
        };
    };
    if let Some(t) = &r.session_ttl_seconds {
        d.warn(
            &t.loc,
            "prompt_caching.session_ttl_seconds has no effect; use routing.session_ttl_seconds",
        );
    }
    let enabled = or(r.enabled, false);
    PromptCaching {
        enabled,
        session_affinity: enabled && or(r.session_affinity, true),
        inject_cache_control: enabled && or(r.inject_cache_control, true),
        min_prefix_tokens: or(r.min_prefix_tokens, 1024),
        session_ttl_seconds: r.session_ttl_seconds.map(|s| s.v),
    }
}
