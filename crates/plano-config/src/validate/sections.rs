//! The remaining sections: overrides, endpoints, prompt targets, rate limits, tracing and state
//! storage (spec §1.12–1.17; rules 4, 5, 6 and 20 of §1.19.2).

use indexmap::IndexMap;

use crate::errors::{Diag, Loc};
use crate::model::{
    Endpoint, Overrides, PromptEndpoint, PromptParameter, PromptTarget, RateLimit, RateUnit,
    StateStorage, TraceExporter, Tracing,
};
use crate::raw::{
    RawEndpoint, RawOverrides, RawPromptTarget, RawRateLimit, RawStateStorage, RawTracing,
};
use crate::secret::Secret;

use super::{Models, default_overrides, list_names, or};

pub(crate) fn overrides(raw: Option<RawOverrides>, d: &mut Diag) -> Overrides {
    let mut o = default_overrides();
    let Some(r) = raw else { return o };
    if let Some(t) = &r.prompt_target_intent_matching_threshold {
        d.warn(
            &t.loc,
            "prompt_target_intent_matching_threshold has no effect; remove it",
        );
    }
    o.prompt_target_intent_matching_threshold =
        r.prompt_target_intent_matching_threshold.map(|t| t.v);
    o.optimize_context_window = or(r.optimize_context_window, false);
    o.use_agent_orchestrator = or(r.use_agent_orchestrator, false);
    o.disable_signals = or(r.disable_signals, false);
    o.upstream_connect_timeout = or(r.upstream_connect_timeout, o.upstream_connect_timeout);
    o.upstream_tls_ca_path = r.upstream_tls_ca_path.map(|p| p.v);
    o.llm_routing_model = r.llm_routing_model.map(|m| m.v);
    o.agent_orchestration_model = r.agent_orchestration_model.map(|m| m.v);
    o.orchestrator_model_context_length = r.orchestrator_model_context_length.map(|c| c.v);
    o
}

pub(crate) fn endpoints(raw: Vec<RawEndpoint>, d: &mut Diag) -> IndexMap<String, Endpoint> {
    let mut out = IndexMap::with_capacity(raw.len());
    for r in raw {
        let Some(endpoint) = r.endpoint else { continue };
        let protocol = or(r.protocol, "http".to_owned());
        if endpoint.v.contains("://") {
            d.error(
                &endpoint.loc,
                format!("`{}`: write the endpoint as host[:port] and set `protocol` instead of a URL scheme", endpoint.v),
            );
        } else if let Err(why) = crate::url::split_host_port(&endpoint.v, 80) {
            d.error(&endpoint.loc, why);
        } else if endpoint.v.trim().is_empty() {
            d.error(&endpoint.loc, "endpoint must not be empty");
        }
        out.insert(
            r.name.v,
            Endpoint {
                endpoint: endpoint.v,
                connect_timeout: r.connect_timeout.map(|t| t.v),
                protocol,
                http_host: r.http_host.map(|h| h.v),
                prefix_affinity: or(r.prefix_affinity, false),
            },
        );
    }
    out
}

/// Rule 20: the legacy agent-orchestrator mode needs exactly one endpoint.
pub(crate) fn check_agent_orchestrator(
    o: &Overrides,
    endpoints: &IndexMap<String, Endpoint>,
    root: &Loc,
    d: &mut Diag,
) {
    if !o.use_agent_orchestrator {
        return;
    }
    match endpoints.len() {
        0 => d.error(root, "Please provide agent orchestrator in the endpoints section in your plano_config.yaml file"),
        1 => {}
        _ => d.error(root, "Please provide single agent orchestrator in the endpoints section in your plano_config.yaml file"),
    }
}

pub(crate) fn prompt_targets(
    raw: Vec<RawPromptTarget>,
    endpoints: &IndexMap<String, Endpoint>,
    d: &mut Diag,
) -> Vec<PromptTarget> {
    if let Some(first) = raw.first() {
        d.warn(
            &first.loc,
            "prompt_targets are deprecated (upstream v0.4.22); prefer agents and filters",
        );
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut names = std::collections::HashSet::new();
    for r in raw {
        let (Some(name), Some(description)) = (r.name, r.description) else {
            continue;
        };
        if !names.insert(name.v.clone()) {
            d.error(
                &name.loc,
                format!("Duplicate prompt target name `{}`", name.v),
            );
        }
        let endpoint = r.endpoint.and_then(|e| {
            let (n, path) = (e.name?, e.path?);
            if !endpoints.contains_key(&n.v) {
                d.error(
                    &n.loc,
                    format!(
                        "Unknown endpoint {}, please add it in endpoints section in your plano_config.yaml file \
                         (defined: {})",
                        n.v,
                        list_names(endpoints.keys().map(String::as_str))
                    ),
                );
            }
            Some(PromptEndpoint {
                name: n.v,
                path: path.v,
                http_method: or(e.http_method, "GET".to_owned()),
                http_headers: e.http_headers.into_iter().map(|(k, v)| (k.v, Secret::new(v.v))).collect(),
            })
        });
        let parameters = r
            .parameters
            .into_iter()
            .filter_map(|p| {
                Some(PromptParameter {
                    name: p.name?.v,
                    description: p.description.map(|s| s.v).unwrap_or_default(),
                    kind: p.kind?.v,
                    required: or(p.required, false),
                    default: p.default,
                    enum_values: p.enum_values,
                    in_path: or(p.in_path, false),
                    format: p.format.map(|f| f.v),
                })
            })
            .collect();
        out.push(PromptTarget {
            name: name.v,
            description: description.v,
            default: or(r.default, false),
            auto_llm_dispatch_on_response: or(r.auto_llm_dispatch_on_response, true),
            parameters,
            endpoint,
            system_prompt: r.system_prompt.map(|s| s.v),
        });
    }
    out
}

pub(crate) fn ratelimits(
    raw: Vec<RawRateLimit>,
    models: &Models<'_>,
    d: &mut Diag,
) -> Vec<RateLimit> {
    raw.into_iter()
        .filter_map(|r| {
            let model = r.model?;
            if !models.resolves(&model.v) {
                d.warn(
                    &model.loc,
                    format!(
                        "rate limit for `{}`, which matches no model provider",
                        model.v
                    ),
                );
            }
            let unit = match r.unit?.v.as_str() {
                "second" => RateUnit::Second,
                "minute" => RateUnit::Minute,
                "hour" => RateUnit::Hour,
                _ => RateUnit::Day,
            };
            Some(RateLimit {
                model: model.v,
                selector_key: r.selector_key?.v,
                selector_value: r.selector_value?.v,
                tokens: r.tokens?.v,
                unit,
            })
        })
        .collect()
}

pub(crate) fn tracing(r: RawTracing, d: &mut Diag) -> Tracing {
    if let Some(t) = &r.trace_arch_internal {
        d.warn(&t.loc, "trace_arch_internal has no effect; remove it");
    }
    if let Some(l) = &r.sampling_rate {
        d.warn(
            l,
            "sampling_rate has no effect; use random_sampling (percent)",
        );
    }
    let endpoint = r.opentracing_grpc_endpoint.map(|e| {
        // Rules 5 and 6: an OTLP/gRPC collector address, http://host:port and nothing else.
        match e.v.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => {
                let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
                if !path.is_empty() {
                    d.error(
                        &e.loc,
                        format!(
                            "Invalid opentracing_grpc_endpoint {}, path must be empty",
                            e.v
                        ),
                    );
                } else if let Err(why) = crate::url::split_host_port(authority, 80) {
                    d.error(
                        &e.loc,
                        format!("Invalid opentracing_grpc_endpoint {}: {why}", e.v),
                    );
                } else if authority.is_empty() || authority.starts_with(':') {
                    d.error(&e.loc, format!("Invalid opentracing_grpc_endpoint {}: no host", e.v));
                } else if !authority.contains(':') || authority.ends_with(']') {
                    // Without a port this would mean :80; OTLP/gRPC collectors listen on 4317.
                    d.error(
                        &e.loc,
                        format!("Invalid opentracing_grpc_endpoint {}: add the port, e.g. http://localhost:4317", e.v),
                    );
                }
            }
            _ => d.error(
                &e.loc,
                format!(
                    "Invalid opentracing_grpc_endpoint {}, scheme must be http",
                    e.v
                ),
            ),
        }
        e.v
    });
    let exporters = r
        .exporters
        .into_iter()
        .filter_map(|x| {
            let url = x.url?;
            if let Err(why) = crate::url::parse(&url.v, &["http", "https"]) {
                d.error(&url.loc, format!("invalid url `{}`: {why}", url.v));
            }
            Some(TraceExporter {
                kind: x.kind?.v,
                url: url.v,
                api_key: Secret::new(x.api_key?.v),
                distinct_id_header: x.distinct_id_header.map(|h| h.v),
                capture_messages: or(x.capture_messages, false),
            })
        })
        .collect();
    Tracing {
        random_sampling: or(r.random_sampling, 0),
        trace_arch_internal: or(r.trace_arch_internal, false),
        opentracing_grpc_endpoint: endpoint,
        header_prefixes: r.header_prefixes.into_iter().map(|h| h.v).collect(),
        static_attributes: r
            .static_attributes
            .into_iter()
            .map(|(k, v)| (k.v, v.v))
            .collect(),
        exporters,
    }
}

pub(crate) fn state_storage(r: RawStateStorage, d: &mut Diag) -> Option<StateStorage> {
    match (r.kind?.v.as_str(), r.connection_string) {
        ("postgres", Some(c)) => Some(StateStorage::Postgres {
            connection_string: Secret::new(c.v),
        }),
        ("postgres", None) => {
            d.error(
                &r.loc,
                "connection_string is required for postgres state_storage",
            );
            None
        }
        (_, Some(c)) => {
            d.warn(
                &c.loc,
                "connection_string is ignored for memory state_storage",
            );
            Some(StateStorage::Memory)
        }
        (_, None) => Some(StateStorage::Memory),
    }
}
