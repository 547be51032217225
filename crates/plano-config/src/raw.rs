//! The raw mirror: what the YAML says, in every shape upstream Plano ever accepted.
//!
//! Stage one of loading (style convention 5). The node tree is read into these types with every
//! value type-checked and every unknown key reported, but nothing is resolved or defaulted:
//! legacy shapes stay distinguishable (`llm_providers` vs `model_providers`, the object form of
//! `listeners`, the `provider` key, inline `routing_preferences`) so migration and validation can
//! say exactly what the user wrote. Every value carries its [`Loc`] for later error messages.
//!
//! Enumerated values (`type: model|prompt|agent`, retry strategies, ...) and numeric ranges are
//! already checked here, because the check needs nothing but the value itself.

mod listeners;
mod providers;
mod sections;

use std::time::Duration;

use crate::errors::{Diag, Loc, Sp};
use crate::node::Node;
use crate::read::{Obj, as_str};

pub(crate) use listeners::{RawLegacyListener, RawListener, RawListenerAgent, RawListeners};
pub(crate) use providers::{RawProvider, RawRetryPolicy};
pub(crate) use sections::*;

/// Top-level keys of spec §1.3, plus the runtime-only `error_target`.
#[derive(Debug, Default)]
pub(crate) struct RawConfig {
    pub root: Loc,
    pub version: Option<Sp<String>>,
    pub listeners: RawListeners,
    pub model_providers: Option<Sp<Vec<RawProvider>>>,
    pub llm_providers: Option<Sp<Vec<RawProvider>>>,
    pub model_aliases: Vec<RawAlias>,
    pub routing_preferences: Option<Sp<Vec<RawRoute>>>,
    pub model_metrics_sources: Vec<RawMetricsSource>,
    pub routing: Option<RawRouting>,
    pub prompt_caching: Option<RawPromptCaching>,
    pub agents: Vec<RawAgent>,
    pub filters: Vec<RawAgent>,
    pub endpoints: Vec<RawEndpoint>,
    pub system_prompt: Option<Sp<String>>,
    pub prompt_targets: Vec<RawPromptTarget>,
    pub prompt_guards: Option<RawPromptGuards>,
    pub ratelimits: Vec<RawRateLimit>,
    pub tracing: Option<RawTracing>,
    pub state_storage: Option<RawStateStorage>,
    pub overrides: Option<RawOverrides>,
    pub mode: Option<Sp<String>>,
    pub error_target: Option<Loc>,
}

/// Reads the whole document. Returns `None` only when the root is not a mapping.
pub(crate) fn read(root: &Node, d: &mut Diag) -> Option<RawConfig> {
    let mut o = Obj::open(root, "", d)?;
    let mut c = RawConfig {
        root: o.loc.clone(),
        ..RawConfig::default()
    };

    // `version` is a string, but `version: 0.1` parses as a number; take its text.
    if let Some((n, l)) = o.node("version") {
        c.version = match &n.value {
            crate::node::Value::Float(f) => Some(Sp {
                v: f.to_string(),
                loc: l,
            }),
            crate::node::Value::Int(i) => Some(Sp {
                v: i.to_string(),
                loc: l,
            }),
            _ => as_str(d, n, l),
        };
    }
    c.listeners = listeners::read(&mut o, d);
    c.model_providers = providers::read_list(&mut o, d, "model_providers");
    c.llm_providers = providers::read_list(&mut o, d, "llm_providers");
    c.model_aliases = sections::read_aliases(&mut o, d);
    c.routing_preferences = sections::read_routes(&mut o, d);
    c.model_metrics_sources = sections::read_metrics_sources(&mut o, d);
    c.routing = sections::read_routing(&mut o, d);
    c.prompt_caching = sections::read_prompt_caching(&mut o, d);
    c.agents = sections::read_agents(&mut o, d, "agents");
    c.filters = sections::read_agents(&mut o, d, "filters");
    c.endpoints = sections::read_endpoints(&mut o, d);
    c.system_prompt = o.str(d, "system_prompt");
    c.prompt_targets = sections::read_prompt_targets(&mut o, d);
    c.prompt_guards = sections::read_prompt_guards(&mut o, d);
    c.ratelimits = sections::read_ratelimits(&mut o, d);
    c.tracing = sections::read_tracing(&mut o, d);
    c.state_storage = sections::read_state_storage(&mut o, d);
    c.overrides = sections::read_overrides(&mut o, d);
    c.mode = o.one_of(d, "mode", &["llm", "prompt"]);
    // `error_target` is parsed but unused upstream; any shape is accepted and warned about.
    if let Some((_, l)) = o.node("error_target") {
        c.error_target = Some(l);
    }
    o.finish(d);
    Some(c)
}

/// Converts an integer already range-checked by the reader.
pub(crate) fn narrow<T: TryFrom<i128>>(v: Option<Sp<i128>>) -> Option<Sp<T>> {
    let v = v?;
    let n = T::try_from(v.v).ok()?;
    Some(Sp { v: n, loc: v.loc })
}

/// Milliseconds read as an integer, as a [`Duration`].
pub(crate) fn millis(v: Option<Sp<i128>>) -> Option<Sp<Duration>> {
    let v = narrow::<u64>(v)?;
    Some(Sp {
        v: Duration::from_millis(v.v),
        loc: v.loc,
    })
}
