//! `agents` and `filters` → [`Agent`]s (spec §1.11, rule 3 of §1.19.2).
//!
//! Ids are unique across both lists because the runtime looks agents and filters up in one map.
//! Upstream silently created no cluster for a URL without scheme or host, so requests to that
//! agent failed at run time; we reject such URLs at load.

use std::collections::HashSet;

use crate::errors::Diag;
use crate::model::{Agent, Listener};
use crate::raw::RawAgent;

pub(crate) fn build(
    agents: Vec<RawAgent>,
    filters: Vec<RawAgent>,
    d: &mut Diag,
) -> (Vec<Agent>, Vec<Agent>) {
    let mut ids: HashSet<String> = HashSet::new();
    let mut one = |r: RawAgent, is_filter: bool, d: &mut Diag| -> Option<Agent> {
        let id = r.id?;
        if !ids.insert(id.v.clone()) {
            d.error(
                &id.loc,
                format!(
                    "Duplicate agent id {}, please provide unique id for each agent",
                    id.v
                ),
            );
        }
        let url = r.url?;
        if let Err(why) = crate::url::parse(&url.v, &["http", "https"]) {
            d.error(&url.loc, format!("invalid url `{}`: {why}", url.v));
        }
        let kind = is_filter.then(|| r.kind.map_or_else(|| "mcp".to_owned(), |k| k.v));
        // MCP filters call a tool named after the filter unless told otherwise.
        let tool = match (&kind, r.tool) {
            (_, Some(t)) => Some(t.v),
            (Some(k), None) if k == "mcp" => Some(id.v.clone()),
            _ => None,
        };
        Some(Agent {
            id: id.v,
            url: url.v,
            kind,
            transport: r.transport.map(|t| t.v),
            tool,
        })
    };
    let agents = agents
        .into_iter()
        .filter_map(|r| one(r, false, d))
        .collect();
    let filters = filters
        .into_iter()
        .filter_map(|r| one(r, true, d))
        .collect();
    (agents, filters)
}

/// An agent no listener routes to, or a filter no chain runs, is almost always a forgotten
/// reference (seed "agent defined globally but not referenced in listener").
pub(crate) fn warn_unused(
    agents: &[Agent],
    filters: &[Agent],
    listeners: &[Listener],
    d: &mut Diag,
) {
    let mut used: HashSet<&str> = HashSet::new();
    for l in listeners {
        used.extend(
            l.input_filters
                .iter()
                .chain(&l.output_filters)
                .map(String::as_str),
        );
        for a in &l.agents {
            used.insert(a.id.as_str());
            used.extend(a.input_filters.iter().map(String::as_str));
        }
    }
    for (a, what) in agents
        .iter()
        .map(|a| (a, "agent"))
        .chain(filters.iter().map(|f| (f, "filter")))
    {
        if !used.contains(a.id.as_str()) {
            d.warn_global(format!(
                "{what} `{}` is not referenced by any listener",
                a.id
            ));
        }
    }
}
