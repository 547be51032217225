//! Raw forms of the remaining top-level sections: aliases, routing preferences, metrics
//! sources, routing, prompt caching, agents/filters, endpoints, prompt targets and guards,
//! rate limits, tracing, state storage and overrides.

use std::time::Duration;

use crate::errors::{Diag, Loc, Sp};
use crate::node::Value;
use crate::read::{Obj, key_str};

use super::narrow;

#[derive(Debug)]
pub(crate) struct RawAlias {
    pub name: Sp<String>,
    pub target: Option<Sp<String>>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct RawRoute {
    pub name: Option<Sp<String>>,
    pub description: Option<Sp<String>>,
    pub models: Option<Sp<Vec<Sp<String>>>>,
    pub prefer: Option<Sp<String>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawMetricsSource {
    pub loc: Loc,
    pub kind: Option<Sp<String>>,
    pub provider: Option<Sp<String>>,
    pub url: Option<Sp<String>>,
    pub query: Option<Sp<String>>,
    pub refresh_interval: Option<Sp<u64>>,
    pub model_aliases: Vec<(Sp<String>, Sp<String>)>,
}

#[derive(Debug, Default)]
pub(crate) struct RawRouting {
    pub loc: Loc,
    pub llm_provider: Option<Sp<String>>,
    pub model: Option<Sp<String>>,
    pub session_ttl_seconds: Option<Sp<u64>>,
    pub session_max_entries: Option<Sp<u64>>,
    pub session_cache: Option<RawSessionCache>,
    pub routing_budget: Option<RawRoutingBudget>,
    pub route_on_user_only: Option<Sp<bool>>,
    pub router_timeout: Option<Sp<std::time::Duration>>,
    pub router_flavor: Option<Sp<String>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawSessionCache {
    pub loc: Loc,
    pub kind: Option<Sp<String>>,
    pub url: Option<Sp<String>>,
    pub tenant_header: Option<Sp<String>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawRoutingBudget {
    pub loc: Loc,
    pub max_switch_spend_pct: Option<Sp<f64>>,
    pub replenish_on_rebind: Option<Sp<bool>>,
    pub cache_read_discount: Option<Sp<f64>>,
    pub record_counterfactual: Option<Sp<bool>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawPromptCaching {
    pub enabled: Option<Sp<bool>>,
    pub session_affinity: Option<Sp<bool>>,
    pub inject_cache_control: Option<Sp<bool>>,
    pub min_prefix_tokens: Option<Sp<u32>>,
    pub session_ttl_seconds: Option<Sp<u64>>,
}

/// An entry of `agents` or `filters`.
#[derive(Debug, Default)]
pub(crate) struct RawAgent {
    pub id: Option<Sp<String>>,
    pub url: Option<Sp<String>>,
    pub kind: Option<Sp<String>>,
    pub transport: Option<Sp<String>>,
    pub tool: Option<Sp<String>>,
}

#[derive(Debug)]
pub(crate) struct RawEndpoint {
    pub name: Sp<String>,
    pub endpoint: Option<Sp<String>>,
    pub connect_timeout: Option<Sp<Duration>>,
    pub protocol: Option<Sp<String>>,
    pub http_host: Option<Sp<String>>,
    pub prefix_affinity: Option<Sp<bool>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawPromptTarget {
    pub loc: Loc,
    pub name: Option<Sp<String>>,
    pub description: Option<Sp<String>>,
    pub default: Option<Sp<bool>>,
    pub auto_llm_dispatch_on_response: Option<Sp<bool>>,
    pub parameters: Vec<RawParameter>,
    pub endpoint: Option<RawPromptEndpoint>,
    pub system_prompt: Option<Sp<String>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawParameter {
    pub name: Option<Sp<String>>,
    pub description: Option<Sp<String>>,
    pub kind: Option<Sp<String>>,
    pub required: Option<Sp<bool>>,
    pub default: Option<serde_json::Value>,
    pub enum_values: Vec<serde_json::Value>,
    pub in_path: Option<Sp<bool>>,
    pub format: Option<Sp<String>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawPromptEndpoint {
    pub name: Option<Sp<String>>,
    pub path: Option<Sp<String>>,
    pub http_method: Option<Sp<String>>,
    pub http_headers: Vec<(Sp<String>, Sp<String>)>,
}

#[derive(Debug, Default)]
pub(crate) struct RawPromptGuards {
    pub jailbreak_message: Option<Sp<String>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawRateLimit {
    pub model: Option<Sp<String>>,
    pub selector_key: Option<Sp<String>>,
    pub selector_value: Option<Sp<String>>,
    pub tokens: Option<Sp<u64>>,
    pub unit: Option<Sp<String>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawTracing {
    pub random_sampling: Option<Sp<u32>>,
    pub trace_arch_internal: Option<Sp<bool>>,
    pub sampling_rate: Option<Loc>,
    pub opentracing_grpc_endpoint: Option<Sp<String>>,
    pub header_prefixes: Vec<Sp<String>>,
    pub static_attributes: Vec<(Sp<String>, Sp<String>)>,
    pub exporters: Vec<RawExporter>,
}

#[derive(Debug, Default)]
pub(crate) struct RawExporter {
    pub kind: Option<Sp<String>>,
    pub url: Option<Sp<String>>,
    pub api_key: Option<Sp<String>>,
    pub distinct_id_header: Option<Sp<String>>,
    pub capture_messages: Option<Sp<bool>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawStateStorage {
    pub loc: Loc,
    pub kind: Option<Sp<String>>,
    pub connection_string: Option<Sp<String>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawOverrides {
    pub prompt_target_intent_matching_threshold: Option<Sp<f64>>,
    pub optimize_context_window: Option<Sp<bool>>,
    pub use_agent_orchestrator: Option<Sp<bool>>,
    pub disable_signals: Option<Sp<bool>>,
    pub upstream_connect_timeout: Option<Sp<Duration>>,
    pub upstream_tls_ca_path: Option<Sp<String>>,
    pub llm_routing_model: Option<Sp<String>>,
    pub agent_orchestration_model: Option<Sp<String>>,
    pub orchestrator_model_context_length: Option<Sp<u32>>,
}

/// Reads a list of mappings with `f`, finishing (unknown-key check) each one.
fn each<T>(
    o: &mut Obj<'_>,
    d: &mut Diag,
    key: &'static str,
    mut f: impl FnMut(&mut Obj<'_>, &mut Diag) -> T,
) -> Vec<T> {
    let Some((items, _)) = o.list(d, key) else {
        return Vec::new();
    };
    items
        .into_iter()
        .filter_map(|(n, p)| {
            let mut io = Obj::open(n, &p, d)?;
            let r = f(&mut io, d);
            io.finish(d);
            Some(r)
        })
        .collect()
}

/// Reads a nested mapping with `f`, finishing it.
fn nested<T>(
    o: &mut Obj<'_>,
    d: &mut Diag,
    key: &'static str,
    f: impl FnOnce(&mut Obj<'_>, &mut Diag) -> T,
) -> Option<T> {
    let mut io = o.obj(d, key)?;
    let r = f(&mut io, d);
    io.finish(d);
    Some(r)
}

pub(crate) fn read_aliases(o: &mut Obj<'_>, d: &mut Diag) -> Vec<RawAlias> {
    let Some(ao) = o.obj(d, "model_aliases") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in ao.entries() {
        let Some(name) = key_str(d, &ao.loc.path, k) else {
            continue;
        };
        let path = name.loc.path.clone();
        let Some(mut vo) = Obj::open(v, &path, d) else {
            continue;
        };
        let target = vo.req_str(d, "target");
        vo.finish(d);
        out.push(RawAlias { name, target });
    }
    out
}

pub(crate) fn read_routes(o: &mut Obj<'_>, d: &mut Diag) -> Option<Sp<Vec<RawRoute>>> {
    let l = o.key_loc("routing_preferences");
    o.node("routing_preferences")?;
    let v = each(o, d, "routing_preferences", |ro, d| {
        let models = ro.req_models(d);
        RawRoute {
            name: ro.req_str(d, "name"),
            description: ro.req_str(d, "description"),
            models,
            prefer: nested(ro, d, "selection_policy", |so, d| {
                so.one_of(d, "prefer", &["cheapest", "fastest", "none"])
            })
            .flatten(),
        }
    });
    Some(Sp { v, loc: l })
}

impl Obj<'_> {
    /// `models:` of a routing preference: required, at least one entry.
    fn req_models(&mut self, d: &mut Diag) -> Option<Sp<Vec<Sp<String>>>> {
        let present = self.node("models").is_some();
        let models = self.str_list(d, "models");
        if !present {
            d.error(&self.loc, "missing required key `models`");
        } else if let Some(m) = &models
            && m.v.is_empty()
        {
            d.error(&m.loc, "`models` must list at least one model");
        }
        models
    }
}

pub(crate) fn read_metrics_sources(o: &mut Obj<'_>, d: &mut Diag) -> Vec<RawMetricsSource> {
    each(o, d, "model_metrics_sources", |mo, d| {
        let kind = mo.req_one_of(d, "type", &["cost", "latency"]);
        let mut r = RawMetricsSource {
            loc: mo.loc.clone(),
            kind: kind.clone(),
            ..Default::default()
        };
        let is = |k: &str| kind.as_ref().is_none_or(|s| s.v == k);
        if is("cost") && !is("latency") {
            r.provider = mo.req_one_of(d, "provider", &["digitalocean", "models.dev"]);
            r.url = mo.str(d, "url");
            r.model_aliases = mo.str_map(d, "model_aliases").unwrap_or_default();
        } else if is("latency") && !is("cost") {
            r.provider = mo.req_one_of(d, "provider", &["prometheus"]);
            r.url = mo.req_str(d, "url");
            r.query = mo.req_str(d, "query");
        } else {
            // Unknown type: accept every key of both kinds so only the type is reported.
            r.provider = mo.str(d, "provider");
            r.url = mo.str(d, "url");
            r.query = mo.str(d, "query");
            let _ = mo.node("model_aliases");
        }
        r.refresh_interval = narrow(mo.int(d, "refresh_interval", 1, i128::from(u32::MAX)));
        r
    })
}

pub(crate) fn read_routing(o: &mut Obj<'_>, d: &mut Diag) -> Option<RawRouting> {
    nested(o, d, "routing", |ro, d| RawRouting {
        loc: ro.loc.clone(),
        llm_provider: ro.str(d, "llm_provider"),
        model: ro.str(d, "model"),
        session_ttl_seconds: narrow(ro.int(d, "session_ttl_seconds", 1, i128::from(u32::MAX))),
        session_max_entries: narrow(ro.int(d, "session_max_entries", 1, i128::from(u32::MAX))),
        session_cache: nested(ro, d, "session_cache", |so, d| RawSessionCache {
            loc: so.loc.clone(),
            kind: so.one_of(d, "type", &["memory", "redis"]),
            url: so.str(d, "url"),
            tenant_header: so.str(d, "tenant_header"),
        }),
        routing_budget: nested(ro, d, "routing_budget", |bo, d| {
            let present = bo.node("max_switch_spend_pct").is_some();
            let r = RawRoutingBudget {
                loc: bo.loc.clone(),
                max_switch_spend_pct: bo.float(d, "max_switch_spend_pct"),
                replenish_on_rebind: bo.bool(d, "replenish_on_rebind"),
                cache_read_discount: bo.float(d, "cache_read_discount"),
                record_counterfactual: bo.bool(d, "record_counterfactual"),
            };
            if !present {
                d.error(&bo.loc, "missing required key `max_switch_spend_pct`");
            }
            r
        }),
        route_on_user_only: ro.bool(d, "route_on_user_only"),
        router_timeout: ro.duration(d, "router_timeout"),
        router_flavor: ro.one_of(
            d,
            "router_flavor",
            &["plano_orchestrator_v1", "arch_router_v1"],
        ),
    })
}

pub(crate) fn read_prompt_caching(o: &mut Obj<'_>, d: &mut Diag) -> Option<RawPromptCaching> {
    nested(o, d, "prompt_caching", |po, d| RawPromptCaching {
        enabled: po.bool(d, "enabled"),
        session_affinity: po.bool(d, "session_affinity"),
        inject_cache_control: po.bool(d, "inject_cache_control"),
        min_prefix_tokens: narrow(po.int(d, "min_prefix_tokens", 1, i128::from(u32::MAX))),
        session_ttl_seconds: narrow(po.int(d, "session_ttl_seconds", 1, i128::from(u32::MAX))),
    })
}

pub(crate) fn read_agents(o: &mut Obj<'_>, d: &mut Diag, key: &'static str) -> Vec<RawAgent> {
    let filters = key == "filters";
    each(o, d, key, |ao, d| {
        let mut r = RawAgent {
            id: ao.req_str(d, "id"),
            url: ao.req_str(d, "url"),
            ..Default::default()
        };
        // `type`, `transport` and `tool` exist only on filters (upstream schema).
        if filters {
            r.kind = ao.one_of(d, "type", &["mcp", "http"]);
            r.transport = ao.one_of(d, "transport", &["streamable-http"]);
            r.tool = ao.str(d, "tool");
        }
        r
    })
}

pub(crate) fn read_endpoints(o: &mut Obj<'_>, d: &mut Diag) -> Vec<RawEndpoint> {
    let Some(eo) = o.obj(d, "endpoints") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in eo.entries() {
        let Some(name) = key_str(d, &eo.loc.path, k) else {
            continue;
        };
        let valid = name
            .v
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && name
                .v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            d.error(
                &name.loc,
                format!("endpoint name `{}` must start with a letter and contain only letters, digits and `_`", name.v),
            );
        }
        let path = name.loc.path.clone();
        let Some(mut vo) = Obj::open(v, &path, d) else {
            continue;
        };
        let r = RawEndpoint {
            endpoint: vo.req_str(d, "endpoint"),
            connect_timeout: vo.duration(d, "connect_timeout"),
            protocol: vo.one_of(d, "protocol", &["http", "https"]),
            http_host: vo.str(d, "http_host"),
            prefix_affinity: vo.bool(d, "prefix_affinity"),
            name,
        };
        vo.finish(d);
        out.push(r);
    }
    out
}

/// A `default` / `enum` scalar of a prompt-target parameter, as JSON.
fn scalar_json(d: &mut Diag, n: &crate::node::Node, path: &str) -> Option<serde_json::Value> {
    match &n.value {
        Value::Str(s) => Some(serde_json::Value::String(s.clone())),
        Value::Bool(b) => Some(serde_json::Value::Bool(*b)),
        Value::Int(i) => i64::try_from(*i).ok().map(serde_json::Value::from),
        Value::Float(f) => serde_json::Number::from_f64(*f).map(serde_json::Value::Number),
        other => {
            d.error(
                &Loc::new(path, n.pos),
                format!(
                    "expected a string, number or boolean, found {}",
                    other.kind()
                ),
            );
            None
        }
    }
}

pub(crate) fn read_prompt_targets(o: &mut Obj<'_>, d: &mut Diag) -> Vec<RawPromptTarget> {
    each(o, d, "prompt_targets", |po, d| RawPromptTarget {
        loc: po.loc.clone(),
        name: po.req_str(d, "name"),
        description: po.req_str(d, "description"),
        default: po.bool(d, "default"),
        auto_llm_dispatch_on_response: po.bool(d, "auto_llm_dispatch_on_response"),
        system_prompt: po.str(d, "system_prompt"),
        parameters: each(po, d, "parameters", |pa, d| {
            let mut r = RawParameter {
                name: pa.req_str(d, "name"),
                description: pa.req_str(d, "description"),
                kind: pa.req_str(d, "type"),
                required: pa.bool(d, "required"),
                in_path: pa.bool(d, "in_path"),
                format: pa.str(d, "format"),
                ..Default::default()
            };
            if let Some((n, l)) = pa.node("default") {
                r.default = scalar_json(d, n, &l.path);
            }
            if let Some((items, _)) = pa.list(d, "enum") {
                r.enum_values = items
                    .into_iter()
                    .filter_map(|(n, p)| scalar_json(d, n, &p))
                    .collect();
            }
            r
        }),
        endpoint: nested(po, d, "endpoint", |eo, d| RawPromptEndpoint {
            name: eo.req_str(d, "name"),
            path: eo.req_str(d, "path"),
            http_method: eo.one_of(d, "http_method", &["GET", "POST"]),
            http_headers: eo.str_map(d, "http_headers").unwrap_or_default(),
        }),
    })
}

pub(crate) fn read_prompt_guards(o: &mut Obj<'_>, d: &mut Diag) -> Option<RawPromptGuards> {
    nested(o, d, "prompt_guards", |go, d| {
        let message = nested(go, d, "input_guards", |io, d| {
            nested(io, d, "jailbreak", |jo, d| {
                nested(jo, d, "on_exception", |eo, d| {
                    // Upstream also parsed these two; they never had an effect.
                    let _ = eo.node("forward_to_error_target");
                    let _ = eo.node("error_handler");
                    eo.req_str(d, "message")
                })
                .flatten()
            })
            .flatten()
        })
        .flatten();
        RawPromptGuards {
            jailbreak_message: message,
        }
    })
}

pub(crate) fn read_ratelimits(o: &mut Obj<'_>, d: &mut Diag) -> Vec<RawRateLimit> {
    each(o, d, "ratelimits", |ro, d| {
        let mut r = RawRateLimit {
            model: ro.req_str(d, "model"),
            ..Default::default()
        };
        if ro.node("selector").is_none() {
            d.error(&ro.loc, "missing required key `selector`");
        } else if let Some((k, v)) = nested(ro, d, "selector", |so, d| {
            (so.req_str(d, "key"), so.req_str(d, "value"))
        }) {
            (r.selector_key, r.selector_value) = (k, v);
        }
        if ro.node("limit").is_none() {
            d.error(&ro.loc, "missing required key `limit`");
        } else if let Some((t, u)) = nested(ro, d, "limit", |lo, d| {
            (
                narrow(lo.req_int(d, "tokens", 1, i128::from(u64::MAX))),
                lo.req_one_of(d, "unit", &["second", "minute", "hour", "day"]),
            )
        }) {
            (r.tokens, r.unit) = (t, u);
        }
        r
    })
}

pub(crate) fn read_tracing(o: &mut Obj<'_>, d: &mut Diag) -> Option<RawTracing> {
    nested(o, d, "tracing", |to, d| {
        let mut r = RawTracing {
            random_sampling: narrow(to.int(d, "random_sampling", 0, 100)),
            trace_arch_internal: to.bool(d, "trace_arch_internal"),
            sampling_rate: to.node("sampling_rate").map(|(_, l)| l),
            opentracing_grpc_endpoint: to.str(d, "opentracing_grpc_endpoint"),
            ..Default::default()
        };
        if let Some((hp, st)) = nested(to, d, "span_attributes", |so, d| {
            (
                so.str_list(d, "header_prefixes")
                    .map(|l| l.v)
                    .unwrap_or_default(),
                so.str_map(d, "static").unwrap_or_default(),
            )
        }) {
            r.header_prefixes = hp;
            r.static_attributes = st;
        }
        r.exporters = each(to, d, "exporters", |eo, d| RawExporter {
            kind: eo.req_one_of(d, "type", &["posthog"]),
            url: eo.req_str(d, "url"),
            api_key: eo.req_str(d, "api_key"),
            distinct_id_header: eo.str(d, "distinct_id_header"),
            capture_messages: eo.bool(d, "capture_messages"),
        });
        r
    })
}

pub(crate) fn read_state_storage(o: &mut Obj<'_>, d: &mut Diag) -> Option<RawStateStorage> {
    nested(o, d, "state_storage", |so, d| RawStateStorage {
        loc: so.loc.clone(),
        kind: so.req_one_of(d, "type", &["memory", "postgres"]),
        connection_string: so.str(d, "connection_string"),
    })
}

pub(crate) fn read_overrides(o: &mut Obj<'_>, d: &mut Diag) -> Option<RawOverrides> {
    nested(o, d, "overrides", |oo, d| RawOverrides {
        prompt_target_intent_matching_threshold: oo
            .float(d, "prompt_target_intent_matching_threshold"),
        optimize_context_window: oo.bool(d, "optimize_context_window"),
        use_agent_orchestrator: oo.bool(d, "use_agent_orchestrator"),
        disable_signals: oo.bool(d, "disable_signals"),
        upstream_connect_timeout: oo.duration(d, "upstream_connect_timeout"),
        upstream_tls_ca_path: oo.str(d, "upstream_tls_ca_path"),
        llm_routing_model: oo.str(d, "llm_routing_model"),
        agent_orchestration_model: oo.str(d, "agent_orchestration_model"),
        orchestrator_model_context_length: narrow(oo.int(
            d,
            "orchestrator_model_context_length",
            1,
            i128::from(u32::MAX),
        )),
    })
}
