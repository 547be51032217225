//! Counters of preference routing: decisions per route and per selected model, router
//! failures by cause, router latency, skipped router calls, routing-API outcomes,
//! session-cache events and the session router's switch verdicts.
//!
//! Rows are preallocated from the config (one per route, one per provider) like every other
//! series, so the label sets are bounded by the config and recording is atomic adds only.
//! Upstream's families keep their names (`brightstaff_router_*`, `brightstaff_routing_service_*`,
//! `brightstaff_session_cache_*`, spec §9.4); what upstream has no family for is `plano_router_*`.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use plano_config::Provider;

use super::Histogram;
use super::render::{escape, family, histogram};

/// Where a decision was made: the `route` label of `brightstaff_router_decisions_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecisionKind {
    /// A proxied LLM request.
    Llm = 0,
    /// The routing decision API (`/routing/v1/*`).
    Routing = 1,
}

const KINDS: [&str; 2] = ["llm", "routing"];

/// Why the router gave no usable answer; the `reason` label of `plano_router_failures_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RouterFailure {
    Timeout = 0,
    /// The router could not be reached, or its response broke off.
    Unreachable = 1,
    /// A non-2xx answer.
    Status = 2,
    /// A 2xx answer that is not a chat completion with a route list.
    Unparsable = 3,
    /// Not asked: the router's circuit is open after repeated failures.
    CoolingDown = 4,
}

impl RouterFailure {
    pub fn label(self) -> &'static str {
        FAILURES[self as usize]
    }
}

const FAILURES: [&str; 5] = [
    "timeout",
    "unreachable",
    "status",
    "unparsable",
    "cooling_down",
];

/// `brightstaff_routing_service_requests_total{outcome}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServiceOutcome {
    DecisionServed = 0,
    NoCandidates = 1,
    PolicyError = 2,
}

const OUTCOMES: [&str; 3] = ["decision_served", "no_candidates", "policy_error"];

/// `brightstaff_session_cache_events_total{outcome}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CacheEvent {
    Hit = 0,
    Miss = 1,
    Store = 2,
    Error = 3,
    StoreError = 4,
}

const CACHE_EVENTS: [&str; 5] = ["hit", "miss", "store", "error", "store_error"];

/// `brightstaff_session_binding_events_total{event}`.
const BINDING_EVENTS: [&str; 1] = ["refresh"];

/// Why the session router let a warm session switch models or kept it on its anchor: the
/// `reason` label of `brightstaff_session_switch_decisions_total` (spec §4.6, §4.8). The
/// `decision` label follows from it: only `over_cap` retains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SwitchReason {
    /// The router chose the session's anchor.
    SameAnchor = 0,
    /// No budget, or the switch costs nothing.
    Free = 1,
    /// A paid switch the budget can afford.
    WithinCap = 2,
    /// A paid switch the budget cannot afford: the anchor is kept.
    OverCap = 3,
    /// The cost table lacks one of the two models: the switch is allowed.
    NoPricing = 4,
}

const SWITCH_REASONS: [&str; 5] = [
    "same_anchor",
    "free",
    "within_cap",
    "over_cap",
    "no_pricing",
];

impl SwitchReason {
    const ALL: [SwitchReason; 5] = [
        SwitchReason::SameAnchor,
        SwitchReason::Free,
        SwitchReason::WithinCap,
        SwitchReason::OverCap,
        SwitchReason::NoPricing,
    ];

    pub fn label(self) -> &'static str {
        SWITCH_REASONS[self as usize]
    }

    /// `allowed` or `retained`.
    pub fn decision(self) -> &'static str {
        if self == SwitchReason::OverCap {
            "retained"
        } else {
            "allowed"
        }
    }
}

#[derive(Debug)]
pub(crate) struct RoutingMetrics {
    /// `route="…"` per configured route, then `route="inline"` (a per-request route), then
    /// the last row for "no route".
    route_labels: Box<[String]>,
    per_route: Box<[AtomicU64]>,
    /// `selected_model="…"` per provider.
    model_labels: Box<[String]>,
    /// `[kind][provider][fallback]`.
    decisions: [Box<[[AtomicU64; 2]]>; 2],
    duration: [Histogram; 2],
    failures: [AtomicU64; 5],
    skips_not_user_turn: AtomicU64,
    service: [AtomicU64; 3],
    cache: [AtomicU64; 5],
    /// Indexed like [`BINDING_EVENTS`].
    binding_events: [AtomicU64; 1],
    /// Indexed by [`SwitchReason`].
    switches: [AtomicU64; 5],
}

impl RoutingMetrics {
    pub fn new(routes: &[&str], providers: &[Provider]) -> Self {
        let mut route_labels: Vec<String> = routes
            .iter()
            .map(|r| format!("route=\"{}\"", escape(r)))
            .collect();
        route_labels.push("route=\"inline\"".to_owned());
        route_labels.push("route=\"none\"".to_owned());
        let per_route = route_labels.iter().map(|_| AtomicU64::new(0)).collect();
        let model_labels: Box<[String]> = providers
            .iter()
            .map(|p| format!("selected_model=\"{}\"", escape(&p.model)))
            .collect();
        let grid = || {
            model_labels
                .iter()
                .map(|_| [AtomicU64::new(0), AtomicU64::new(0)])
                .collect::<Box<[_]>>()
        };
        RoutingMetrics {
            route_labels: route_labels.into_boxed_slice(),
            per_route,
            decisions: [grid(), grid()],
            model_labels,
            duration: Default::default(),
            failures: Default::default(),
            skips_not_user_turn: AtomicU64::new(0),
            service: Default::default(),
            cache: Default::default(),
            binding_events: Default::default(),
            switches: Default::default(),
        }
    }

    /// A decision: the configured route's index (`None`: no route), whether the route came
    /// with the request (inline preferences, counted apart: their names are not bounded by the
    /// config), and the provider dispatched to. No route means the request fell back.
    pub fn decision(
        &self,
        kind: DecisionKind,
        route: Option<usize>,
        inline: bool,
        provider: Option<usize>,
    ) {
        let fallback = route.is_none();
        let last = self.per_route.len() - 1;
        let r = match route {
            None => last,
            Some(_) if inline => last - 1,
            Some(i) => i.min(last - 2),
        };
        self.per_route[r].fetch_add(1, Ordering::Relaxed);
        if let Some(row) = provider.and_then(|p| self.decisions[kind as usize].get(p)) {
            row[usize::from(fallback)].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Time spent asking the router (also on failure).
    pub fn router_latency(&self, kind: DecisionKind, took: Duration) {
        self.duration[kind as usize].observe(took);
    }

    pub fn failure(&self, why: RouterFailure) {
        self.failures[why as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn skipped_not_user_turn(&self) {
        self.skips_not_user_turn.fetch_add(1, Ordering::Relaxed);
    }

    pub fn service(&self, outcome: ServiceOutcome) {
        self.service[outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn cache(&self, event: CacheEvent) {
        self.cache[event as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// A session binding was refreshed from a response's real usage.
    pub fn binding_refreshed(&self) {
        self.binding_events[0].fetch_add(1, Ordering::Relaxed);
    }

    /// The session router's verdict on a warm turn.
    pub fn switch(&self, reason: SwitchReason) {
        self.switches[reason as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// Router failures so far, all causes (for tests and the start-up probe).
    pub fn failures_total(&self) -> u64 {
        self.failures
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .sum()
    }

    pub fn render(&self, out: &mut String) {
        family(
            out,
            "brightstaff_router_decisions_total",
            "counter",
            "Routing decisions by where they were made, the model selected, and whether the request fell back (no route or router failure).",
        );
        for (k, kind) in KINDS.iter().enumerate() {
            for (label, row) in self.model_labels.iter().zip(self.decisions[k].iter()) {
                for (f, fallback) in ["false", "true"].iter().enumerate() {
                    let n = row[f].load(Ordering::Relaxed);
                    if n > 0 {
                        let _ = writeln!(
                            out,
                            "brightstaff_router_decisions_total{{route=\"{kind}\",{label},fallback=\"{fallback}\"}} {n}"
                        );
                    }
                }
            }
        }
        family(
            out,
            "plano_route_decisions_total",
            "counter",
            "Routing decisions per configured route (route=\"none\": no route matched or the router failed).",
        );
        for (label, n) in self.route_labels.iter().zip(self.per_route.iter()) {
            let _ = writeln!(
                out,
                "plano_route_decisions_total{{{label}}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        family(
            out,
            "brightstaff_router_decision_duration_seconds",
            "histogram",
            "Time spent asking the router model.",
        );
        for (k, kind) in KINDS.iter().enumerate() {
            histogram(
                out,
                "brightstaff_router_decision_duration_seconds",
                &format!("route=\"{kind}\""),
                &self.duration[k],
            );
        }
        labelled_counters(
            out,
            "plano_router_failures_total",
            "Router calls that gave no usable answer; the request went on without a route.",
            "reason",
            &FAILURES,
            &self.failures,
        );
        family(
            out,
            "brightstaff_router_skips_total",
            "counter",
            "Router calls skipped (route_on_user_only replayed the session's model).",
        );
        let _ = writeln!(
            out,
            "brightstaff_router_skips_total{{reason=\"not_user_turn\"}} {}",
            self.skips_not_user_turn.load(Ordering::Relaxed)
        );
        labelled_counters(
            out,
            "brightstaff_routing_service_requests_total",
            "Routing decision API requests by outcome.",
            "outcome",
            &OUTCOMES,
            &self.service,
        );
        labelled_counters(
            out,
            "brightstaff_session_cache_events_total",
            "Session-affinity cache reads and writes by outcome.",
            "outcome",
            &CACHE_EVENTS,
            &self.cache,
        );
        labelled_counters(
            out,
            "brightstaff_session_binding_events_total",
            "Session bindings refreshed after the response with the provider's real prompt usage and the turn's cost.",
            "event",
            &BINDING_EVENTS,
            &self.binding_events,
        );
        family(
            out,
            "brightstaff_session_switch_decisions_total",
            "counter",
            "Session-router verdicts on warm turns: the router's model allowed, or the session's anchor retained by the routing budget.",
        );
        for (reason, n) in SwitchReason::ALL.iter().zip(&self.switches) {
            let _ = writeln!(
                out,
                "brightstaff_session_switch_decisions_total{{decision=\"{}\",reason=\"{}\"}} {}",
                reason.decision(),
                reason.label(),
                n.load(Ordering::Relaxed)
            );
        }
    }
}

/// A counter family with one label: a series per (label value, counter), zeros included.
fn labelled_counters(
    out: &mut String,
    name: &str,
    help: &str,
    key: &str,
    labels: &[&str],
    counters: &[AtomicU64],
) {
    family(out, name, "counter", help);
    for (label, n) in labels.iter().zip(counters) {
        let _ = writeln!(
            out,
            "{name}{{{key}=\"{label}\"}} {}",
            n.load(Ordering::Relaxed)
        );
    }
}
