//! `listeners` → [`Listener`]s (spec §1.4; rules 2 and 18 of §1.19.2, §1.19.3).
//!
//! Shapes: the list form; the legacy object form (`egress_traffic` → model listener,
//! `ingress_traffic` → prompt listener); and no `listeners` at all, which yields the default
//! model listener `egress_traffic` on 0.0.0.0:12000.
//!
//! Decisions where upstream is silent or accidental:
//! - A list without a model listener gets the default one appended only when providers exist
//!   (upstream always bound it; without providers it could only answer "model not found"), and
//!   only when its port is free.
//! - `agents[].id` of an agent listener must exist in the top-level `agents` (upstream failed
//!   only when that agent was selected at run time).
//! - `agents` on a model or prompt listener is an error (upstream ignored them silently).
//! - `filter_chain` under a listener agent is accepted as a deprecated alias of `input_filters`.
//! - Two listeners may not share a name, or a port on overlapping addresses.

use std::collections::HashSet;
use std::time::Duration;

use crate::errors::{Diag, Loc, Sp};
use crate::model::{Agent, Listener, ListenerAgent, ListenerKind};
use crate::raw::{RawLegacyListener, RawListener, RawListenerAgent, RawListeners};

use super::{AGENT_TIMEOUT, MODEL_TIMEOUT, list_names, or};

pub(crate) const MODEL_PORT: u16 = 12000;
pub(crate) const PROMPT_PORT: u16 = 10000;
const DEFAULT_ADDRESS: &str = "0.0.0.0";
/// Default `max_request_body_bytes`: 32 MiB fits long multimodal conversations.
const DEFAULT_MAX_BODY: usize = 32 << 20;

fn default_listener(name: &str, kind: ListenerKind, port: u16) -> Listener {
    Listener {
        name: name.to_owned(),
        kind,
        address: DEFAULT_ADDRESS.to_owned(),
        port,
        timeout: MODEL_TIMEOUT,
        max_retries: None,
        max_request_body_bytes: DEFAULT_MAX_BODY,
        agents: Vec::new(),
        input_filters: Vec::new(),
        output_filters: Vec::new(),
        router: None,
    }
}

pub(crate) fn build(
    raw: RawListeners,
    provider_count: usize,
    agents: &[Agent],
    filters: &[Agent],
    root: &Loc,
    d: &mut Diag,
) -> Vec<Listener> {
    match raw {
        RawListeners::Absent => {
            if provider_count == 0 {
                d.error(
                    root,
                    "There must be at least one LLM Provider: no `listeners` are declared, so the default \
                     model listener (egress_traffic, port 12000) is used, and model_providers is empty",
                );
            }
            vec![default_listener(
                "egress_traffic",
                ListenerKind::Model,
                MODEL_PORT,
            )]
        }
        RawListeners::Legacy {
            loc,
            ingress,
            egress,
        } => {
            d.warn(&loc, "the object form of `listeners` (ingress_traffic/egress_traffic) is deprecated; use a list of listeners");
            if provider_count == 0 {
                d.error(
                    &loc,
                    "model_providers cannot be empty when using legacy format",
                );
            }
            let mut out = vec![legacy(
                "egress_traffic",
                ListenerKind::Model,
                MODEL_PORT,
                egress,
            )];
            if let Some(i) = ingress.filter(|i| !i.empty) {
                out.push(legacy(
                    "ingress_traffic",
                    ListenerKind::Prompt,
                    PROMPT_PORT,
                    Some(i),
                ));
            }
            check_ports(&out, &[], d);
            out
        }
        RawListeners::List(list) => {
            let ids = Ids { agents, filters };
            let mut out = Vec::with_capacity(list.v.len() + 1);
            let mut locs = Vec::with_capacity(list.v.len());
            let mut names = HashSet::new();
            for r in list.v {
                let loc = r.loc.clone();
                let Some(l) = listener(r, &ids, d) else {
                    continue;
                };
                if !names.insert(l.name.clone()) {
                    d.error(&loc, format!("Duplicate listener name `{}`", l.name));
                }
                locs.push(loc);
                out.push(l);
            }
            let models: Vec<usize> = (0..out.len())
                .filter(|&i| out[i].kind == ListenerKind::Model)
                .collect();
            if models.len() > 1 {
                d.error(
                    &locs[models[1]],
                    format!(
                        "only one model listener is allowed, found {} (Currently only one listener can have \
                         model_providers set)",
                        models.len()
                    ),
                );
            }
            if let Some(&first) = models.first() {
                if provider_count == 0 {
                    d.error(
                        &locs[first],
                        format!(
                            "There must be at least one LLM Provider: model listener `{}` has no model_providers to route to",
                            out[first].name
                        ),
                    );
                }
            } else if provider_count > 0 {
                if out.iter().any(|l| l.port == MODEL_PORT) {
                    d.warn(
                        &list.loc,
                        "no model listener declared and port 12000 is taken, so the default model listener is not added",
                    );
                } else {
                    out.push(default_listener(
                        "egress_traffic",
                        ListenerKind::Model,
                        MODEL_PORT,
                    ));
                }
            }
            if out.is_empty() {
                d.error(&list.loc, "no listeners: declare at least one listener (or model_providers, which get the default model listener)");
            }
            check_ports(&out, &locs, d);
            out
        }
    }
}

fn legacy(name: &str, kind: ListenerKind, port: u16, r: Option<RawLegacyListener>) -> Listener {
    let mut l = default_listener(name, kind, port);
    if let Some(r) = r {
        l.port = or(r.port, port);
        l.address = or(r.address, DEFAULT_ADDRESS.to_owned());
        l.timeout = or(r.timeout, MODEL_TIMEOUT);
    }
    l
}

struct Ids<'a> {
    agents: &'a [Agent],
    filters: &'a [Agent],
}

impl Ids<'_> {
    fn any(&self, id: &str) -> bool {
        self.agents.iter().chain(self.filters).any(|a| a.id == id)
    }
    fn all(&self) -> String {
        list_names(
            self.agents
                .iter()
                .chain(self.filters)
                .map(|a| a.id.as_str()),
        )
    }
}

/// Checks filter ids against agents ∪ filters (rule 18).
fn filter_ids(
    listener: &str,
    field: &str,
    ids: &Ids<'_>,
    list: Option<Sp<Vec<Sp<String>>>>,
    d: &mut Diag,
) -> Vec<String> {
    let Some(list) = list else { return Vec::new() };
    let mut out = Vec::with_capacity(list.v.len());
    for id in list.v {
        if !ids.any(&id.v) {
            d.error(
                &id.loc,
                format!(
                    "Listener '{listener}' references {field} id '{}' which is not defined in agents or filters. \
                     Available ids: {}",
                    id.v,
                    ids.all()
                ),
            );
        }
        out.push(id.v);
    }
    out
}

fn listener(r: RawListener, ids: &Ids<'_>, d: &mut Diag) -> Option<Listener> {
    let kind = match r.kind?.v.as_str() {
        "model" => ListenerKind::Model,
        "prompt" => ListenerKind::Prompt,
        _ => ListenerKind::Agent,
    };
    let name = r.name?.v;
    if name.trim().is_empty() {
        d.error(&r.loc, "listener `name` must not be empty");
    }
    let port = match (kind, r.port) {
        (_, Some(p)) => p.v,
        (ListenerKind::Model, None) => MODEL_PORT,
        (ListenerKind::Prompt, None) => PROMPT_PORT,
        (ListenerKind::Agent, None) => {
            d.error(&r.loc, format!("agent listener `{name}` must set `port`"));
            0
        }
    };
    let address = match r.address {
        Some(a) if a.v.trim().is_empty() || a.v.contains(char::is_whitespace) => {
            d.error(&a.loc, format!("`{}` is not a valid bind address", a.v));
            DEFAULT_ADDRESS.to_owned()
        }
        Some(a) => a.v,
        None => DEFAULT_ADDRESS.to_owned(),
    };
    let timeout = or(
        r.timeout,
        if kind == ListenerKind::Agent {
            AGENT_TIMEOUT
        } else {
            MODEL_TIMEOUT
        },
    );
    if timeout == Duration::ZERO {
        d.warn(
            &r.loc,
            format!("listener `{name}` has timeout 0: requests are never timed out"),
        );
    }
    if let Some(mr) = &r.max_retries
        && kind != ListenerKind::Model
    {
        d.warn(
            &mr.loc,
            "max_retries only applies to model listeners; ignored",
        );
    }
    if let Some(router) = &r.router {
        d.warn(
            &router.loc,
            "`router` has no effect (agent listeners always use the Plano orchestrator)",
        );
    }
    if kind != ListenerKind::Model {
        for f in [&r.input_filters, &r.output_filters].into_iter().flatten() {
            d.warn(&f.loc, "listener-level filters only apply to model listeners; use input_filters on each agent");
        }
    }
    let input_filters = filter_ids(&name, "input_filters", ids, r.input_filters, d);
    let output_filters = filter_ids(&name, "output_filters", ids, r.output_filters, d);

    let agents = match (kind, r.agents) {
        (ListenerKind::Agent, Some(list)) => {
            if list.v.is_empty() {
                d.error(
                    &list.loc,
                    format!("agent listener `{name}` lists no agents"),
                );
            }
            listener_agents(&name, list.v, ids, d)
        }
        (ListenerKind::Agent, None) => {
            d.error(&r.loc, format!("agent listener `{name}` lists no agents"));
            Vec::new()
        }
        (_, Some(list)) => {
            d.error(
                &list.loc,
                format!(
                    "only agent listeners route to agents; `{name}` is a {} listener (use `type: agent`)",
                    if kind == ListenerKind::Model { "model" } else { "prompt" }
                ),
            );
            Vec::new()
        }
        (_, None) => Vec::new(),
    };

    Some(Listener {
        name,
        kind,
        address,
        port,
        timeout,
        max_retries: r.max_retries.map(|m| m.v),
        max_request_body_bytes: or(r.max_request_body_bytes, DEFAULT_MAX_BODY),
        agents,
        input_filters,
        output_filters,
        router: r.router.map(|r| r.v),
    })
}

fn listener_agents(
    listener: &str,
    raw: Vec<RawListenerAgent>,
    ids: &Ids<'_>,
    d: &mut Diag,
) -> Vec<ListenerAgent> {
    let mut out: Vec<ListenerAgent> = Vec::with_capacity(raw.len());
    let mut defaults = 0;
    for a in raw {
        let Some(id) = a.id else { continue };
        if !ids.agents.iter().any(|g| g.id == id.v) {
            let where_ = if ids.filters.iter().any(|f| f.id == id.v) {
                " (it is defined under `filters`)".to_owned()
            } else {
                String::new()
            };
            d.error(
                &id.loc,
                format!(
                    "Listener '{listener}' references agent '{}' which is not defined in agents{where_}. Available agents: {}",
                    id.v,
                    list_names(ids.agents.iter().map(|g| g.id.as_str()))
                ),
            );
        }
        if out.iter().any(|o| o.id == id.v) {
            d.error(
                &id.loc,
                format!("agent '{}' is listed twice in listener '{listener}'", id.v),
            );
        }
        let chain = match (a.input_filters, a.filter_chain) {
            (Some(i), Some(f)) => {
                d.error(
                    &f.loc,
                    "use either input_filters or filter_chain (deprecated), not both",
                );
                Some(i)
            }
            (Some(i), None) => Some(i),
            (None, Some(f)) => {
                d.warn(
                    &f.loc,
                    "`filter_chain` is deprecated; rename it to `input_filters`",
                );
                Some(f)
            }
            (None, None) => None,
        };
        let input_filters = filter_ids(listener, "input_filters", ids, chain, d);
        let default = or(a.default, false);
        if default {
            defaults += 1;
            if defaults == 2 {
                d.warn(&a.loc, format!("listener '{listener}' marks more than one agent as default; the first is used"));
            }
        }
        out.push(ListenerAgent {
            id: id.v,
            description: a.description.map(|s| s.v).unwrap_or_default(),
            default,
            input_filters,
        });
    }
    out
}

/// Two listeners cannot bind the same port on overlapping addresses.
fn check_ports(listeners: &[Listener], locs: &[Loc], d: &mut Diag) {
    for (i, a) in listeners.iter().enumerate() {
        for b in &listeners[..i] {
            let overlap = a.address == b.address
                || a.address == DEFAULT_ADDRESS
                || b.address == DEFAULT_ADDRESS;
            if a.port != 0 && a.port == b.port && overlap {
                let loc = locs.get(i).cloned().unwrap_or_default();
                d.error(
                    &loc,
                    format!(
                        "listeners `{}` and `{}` both use port {}",
                        b.name, a.name, a.port
                    ),
                );
            }
        }
    }
}
