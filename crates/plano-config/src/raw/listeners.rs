//! Raw `listeners`: the current list form and the legacy object form
//! (`ingress_traffic` / `egress_traffic`).

use std::time::Duration;

use crate::errors::{Diag, Loc, Sp};
use crate::node::Value;
use crate::read::Obj;

use super::narrow;

// One value per document, moved once: boxing the legacy variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Default)]
pub(crate) enum RawListeners {
    /// No `listeners` key (or `listeners: null`).
    #[default]
    Absent,
    List(Sp<Vec<RawListener>>),
    /// `listeners: {ingress_traffic: .., egress_traffic: ..}`.
    Legacy {
        loc: Loc,
        ingress: Option<RawLegacyListener>,
        egress: Option<RawLegacyListener>,
    },
}

#[derive(Debug, Default)]
pub(crate) struct RawListener {
    pub loc: Loc,
    pub kind: Option<Sp<String>>,
    pub name: Option<Sp<String>>,
    pub port: Option<Sp<u16>>,
    pub address: Option<Sp<String>>,
    pub timeout: Option<Sp<Duration>>,
    pub router: Option<Sp<String>>,
    pub max_retries: Option<Sp<u32>>,
    pub agents: Option<Sp<Vec<RawListenerAgent>>>,
    pub input_filters: Option<Sp<Vec<Sp<String>>>>,
    pub output_filters: Option<Sp<Vec<Sp<String>>>>,
    pub max_request_body_bytes: Option<Sp<usize>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawListenerAgent {
    pub loc: Loc,
    pub id: Option<Sp<String>>,
    pub description: Option<Sp<String>>,
    pub default: Option<Sp<bool>>,
    pub input_filters: Option<Sp<Vec<Sp<String>>>>,
    /// Deprecated spelling of `input_filters` that the seed documents still use.
    pub filter_chain: Option<Sp<Vec<Sp<String>>>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawLegacyListener {
    /// The entry had no keys at all (`ingress_traffic: {}`).
    pub empty: bool,
    pub address: Option<Sp<String>>,
    pub port: Option<Sp<u16>>,
    pub timeout: Option<Sp<Duration>>,
}

pub(crate) const KINDS: &[&str] = &["model", "prompt", "agent"];
/// 1 GiB: far above any real request, low enough to catch a unit mix-up.
const MAX_BODY: i128 = 1 << 30;

pub(crate) fn read(o: &mut Obj<'_>, d: &mut Diag) -> RawListeners {
    let Some((n, l)) = o.node("listeners") else {
        return RawListeners::Absent;
    };
    match &n.value {
        Value::Seq(_) => {
            let Some((items, l)) = o.list(d, "listeners") else {
                return RawListeners::Absent;
            };
            let v = items
                .into_iter()
                .filter_map(|(n, p)| {
                    let mut lo = Obj::open(n, &p, d)?;
                    let r = read_listener(&mut lo, d);
                    lo.finish(d);
                    Some(r)
                })
                .collect();
            RawListeners::List(Sp { v, loc: l })
        }
        Value::Map(_) => {
            let Some(mut lo) = Obj::open(n, &l.path, d) else {
                return RawListeners::Absent;
            };
            let ingress = legacy(&mut lo, d, "ingress_traffic");
            let egress = legacy(&mut lo, d, "egress_traffic");
            lo.finish(d);
            RawListeners::Legacy {
                loc: l,
                ingress,
                egress,
            }
        }
        _ => {
            // Reuse the reader's type error ("expected a list, found ...").
            let _ = o.list(d, "listeners");
            RawListeners::Absent
        }
    }
}

fn legacy(o: &mut Obj<'_>, d: &mut Diag, key: &'static str) -> Option<RawLegacyListener> {
    let mut lo = o.obj(d, key)?;
    let r = RawLegacyListener {
        empty: lo.entries().is_empty(),
        address: lo.str(d, "address"),
        port: narrow(lo.int(d, "port", 1, 65535)),
        timeout: lo.duration(d, "timeout"),
    };
    // Only `openai` was ever valid, and it changes nothing.
    let _ = lo.one_of(d, "message_format", &["openai"]);
    lo.finish(d);
    Some(r)
}

fn read_listener(o: &mut Obj<'_>, d: &mut Diag) -> RawListener {
    let mut r = RawListener {
        loc: o.loc.clone(),
        kind: o.req_one_of(d, "type", KINDS),
        name: o.req_str(d, "name"),
        port: narrow(o.int(d, "port", 1, 65535)),
        address: o.str(d, "address"),
        timeout: o.duration(d, "timeout"),
        router: o.one_of(d, "router", &["plano_orchestrator_v1"]),
        max_retries: narrow(o.int(d, "max_retries", 0, 100)),
        agents: None,
        input_filters: o.str_list(d, "input_filters"),
        output_filters: o.str_list(d, "output_filters"),
        max_request_body_bytes: narrow(o.int(d, "max_request_body_bytes", 1, MAX_BODY)),
    };
    if let Some((items, l)) = o.list(d, "agents") {
        let v = items
            .into_iter()
            .filter_map(|(n, p)| {
                let mut ao = Obj::open(n, &p, d)?;
                let a = RawListenerAgent {
                    loc: ao.loc.clone(),
                    id: ao.req_str(d, "id"),
                    description: ao.req_str(d, "description"),
                    default: ao.bool(d, "default"),
                    input_filters: ao.str_list(d, "input_filters"),
                    filter_chain: ao.str_list(d, "filter_chain"),
                };
                ao.finish(d);
                Some(a)
            })
            .collect();
        r.agents = Some(Sp { v, loc: l });
    }
    r
}
