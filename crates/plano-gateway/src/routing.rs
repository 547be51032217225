//! Preference-aligned routing (spec §4): a small router model reads the conversation and names
//! the configured route (`routing_preferences`: name, description, ordered models) that fits the
//! latest user intent; the request goes to that route's first model, and the route's other
//! models become its failover chain. A route with `selection_policy.prefer` has its models put
//! cheapest- or fastest-first by live metrics before that (`feed`).
//!
//! What this gateway guarantees beyond upstream:
//! - **Routing never fails a request.** A router that times out, refuses the connection,
//!   answers non-2xx or answers something unparsable is logged and counted
//!   (`plano_router_failures_total`), and the request goes on to the model it asked for (or the
//!   `default: true` provider when it named none). The call is bounded by
//!   `routing.router_timeout` (default [`DEFAULT_ROUTER_TIMEOUT`]).
//! - **Deterministic prompts.** Routes are listed in config order.
//! - Both answer shapes (`{"route": ["a"]}` and the Arch-Router `{"route": "a"}`) are accepted;
//!   the prompt flavor follows the router model (`plano_router::Flavor::for_model`) unless
//!   `routing.router_flavor` says otherwise.
//!
//! The router is a provider of the config, so its call runs through the same attempt code as
//! any request (URL rules, auth, translation to its API, its own `retry_policy`), in a scope of
//! its own so that it does not show up as the request's provider in the access log.
//!
//! # Layout
//! - this file: the [`Router`] built at start-up and [`Router::decide`], the decision for one
//!   request;
//! - `call`: the router call itself;
//! - `session`: session keys, the binding store, and the session router (spec §4.6–4.7);
//! - `budget`: the routing budget, which keeps a warm session on its model when a switch would
//!   cost more than it may spend (spec §4.8);
//! - `feed`: the live price and latency tables `prefer` ranks by (spec §4.4, §1.8);
//! - `api`: the routing decision API (`/routing/v1/*`, spec §4.5).

pub(crate) mod api;
mod budget;
mod call;
mod feed;
mod session;

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderValue};
use plano_catalog::Api;
use plano_config::{Config, Provider, SelectionPreference};
use plano_router::{Conversation, Flavor, InlinePreference, RouteDesc, ranking};
use plano_translate::Usage;

use self::budget::{Budget, Rates};
use crate::access;
use crate::metrics::{DecisionKind, RoutingMetrics, SwitchReason};
use crate::resolve::{ResolveError, Resolver};
use crate::state::Gateway;

pub(crate) use session::{SessionRefresh, Sessions};

/// How long a request waits for the router before it goes on without a route.
pub const DEFAULT_ROUTER_TIMEOUT: Duration = Duration::from_secs(5);

/// A model a route (or a session) can dispatch to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub provider: usize,
    /// The model id sent upstream.
    pub model: Box<str>,
    /// The name as the config (or the session binding) writes it; what the routing API lists.
    pub written: Box<str>,
}

/// A configured route with its models resolved once.
#[derive(Debug, Clone)]
struct Route {
    name: String,
    description: String,
    targets: Vec<Target>,
    /// `selection_policy.prefer` (inline preferences have none).
    prefer: SelectionPreference,
}

/// The router of a gateway, when the config has one (see `plano_config::RouterModel`).
#[derive(Debug)]
pub(crate) struct Router {
    pub provider: usize,
    pub model: Box<str>,
    flavor: Flavor,
    context_tokens: usize,
    timeout: Duration,
    routes: Vec<Route>,
    feed: feed::Feed,
    /// `routing.routing_budget`; a request's header may set or override it.
    budget: Option<Budget>,
    pub sessions: Sessions,
    pub metrics: RoutingMetrics,
}

/// What routing decided for one request.
#[derive(Debug, Default)]
pub(crate) struct Decision {
    /// The matched (or replayed) route.
    pub route: Option<String>,
    /// Where to send the request first, then the rest of the route's models in rank order.
    /// Empty: no route — the request goes where it asked.
    pub targets: Vec<Target>,
    /// The session's id (`X-Model-Affinity` or `implicit:<hash>`).
    pub session_id: Option<String>,
    /// The session was warm (and its prefix unchanged) when the decision was made.
    pub pinned: bool,
    /// The session moved to another model this turn.
    pub switched: bool,
    /// Why the router gave no answer, when it failed.
    pub router_error: Option<String>,
}

/// The request as routing sees it.
pub(crate) struct RoutingInput<'a> {
    pub api: Api,
    pub headers: &'a HeaderMap,
    /// The body as the provider will see it (inline preferences already removed).
    pub body: &'a [u8],
    /// The alias-resolved model the client asked for: the session's "lane".
    pub lane: &'a str,
    /// Where the request goes without a route.
    pub fallback: Option<Target>,
    /// Per-request `routing_preferences` from the body, replacing the config's.
    pub inline: Option<Vec<InlinePreference>>,
    pub request_id: &'a HeaderValue,
    pub kind: DecisionKind,
}

/// The route a request goes by: its index among the request's routes, its name, and its
/// models in the order they are tried. The default is "no route".
#[derive(Debug, Default)]
struct Chosen {
    index: Option<usize>,
    name: Option<String>,
    targets: Vec<Target>,
}

/// What the session router needs of a request with a session.
struct SessionTurn<'a, 'i> {
    key: &'a session::SessionKey,
    binding: Option<&'a plano_state::Binding>,
    budget: Option<Budget>,
    now: u64,
    conv: &'a Conversation,
    input: &'a RoutingInput<'i>,
}

impl Router {
    pub fn new(config: &Config, providers: &[Provider], resolver: &Resolver) -> Option<Router> {
        let spec = config.router.as_ref()?;
        let routes: Vec<Route> = config
            .routing_preferences
            .iter()
            .map(|p| Route {
                name: p.name.clone(),
                description: p.description.clone(),
                targets: resolve_models(&p.name, &p.models, providers, resolver),
                prefer: p.prefer,
            })
            .collect();
        let flavor = config
            .routing
            .router_flavor
            .as_deref()
            .and_then(Flavor::parse)
            .unwrap_or_else(|| Flavor::for_model(&spec.model));
        let context_tokens = config
            .overrides
            .orchestrator_model_context_length
            .map_or_else(|| flavor.default_context_tokens(), |c| c as usize);
        let names: Vec<&str> = routes.iter().map(|r| r.name.as_str()).collect();
        if let Some(p) = providers.get(spec.provider)
            && p.internal
            && p.base_url.is_none()
        {
            tracing::info!(
                "routing with Katanemo's hosted router ({}); set PLANO_ROUTER_URL or overrides.llm_routing_model to use your own",
                p.spec.default_origin.unwrap_or("built-in")
            );
        }
        Some(Router {
            provider: spec.provider,
            model: spec.model.as_str().into(),
            flavor,
            context_tokens,
            timeout: config
                .routing
                .router_timeout
                .unwrap_or(DEFAULT_ROUTER_TIMEOUT),
            metrics: RoutingMetrics::new(&names, providers),
            sessions: Sessions::new(config),
            feed: feed::Feed::new(config),
            budget: config
                .routing
                .routing_budget
                .as_ref()
                .map(Budget::from_config),
            routes,
        })
    }

    /// Whether a request with (or without) inline preferences has anything to route on.
    pub fn routes_anything(&self, inline: bool) -> bool {
        inline || !self.routes.is_empty()
    }

    /// Decides where one request goes. Never fails: without an answer the decision is "no
    /// route" and the request keeps its own model.
    ///
    /// Steps: the routes (config or inline) → the conversation → the session and its binding →
    /// the route (replayed by `route_on_user_only`, or asked of the router and ranked) → the
    /// session router's verdict (a budget may keep the anchor) → counters.
    pub async fn decide(&self, gw: &Gateway, input: RoutingInput<'_>) -> Decision {
        let routes = self.routes_for(gw, input.inline.as_deref());
        let mut decision = Decision::default();
        if routes.is_empty() {
            return decision;
        }
        let conv = match plano_router::conversation(input.api, input.body) {
            Ok(c) => c,
            Err(err) => {
                tracing::debug!(error = %err, "request not routed: no conversation to route on");
                return decision;
            }
        };
        let budget = Budget::for_request(self.budget.as_ref(), input.headers);
        let key = self.sessions.key(input.headers, &conv, budget.is_some());
        decision.session_id = key.as_ref().map(|k| k.id.clone());
        let binding = match &key {
            Some(k) => self.sessions.load(k, &self.metrics).await,
            None => None,
        };
        let now = session::now();

        let replayed = match (&key, &binding) {
            (Some(k), Some(b)) => self.replay(gw, &routes, &conv, k, b, now, input.lane),
            _ => None,
        };
        let mut chosen = match replayed {
            Some(c) => c,
            None => self.choose(gw, &routes, &conv, &input, &mut decision).await,
        };
        decision.route = chosen.name.clone();

        if let Some(k) = &key {
            let turn = SessionTurn {
                key: k,
                binding: binding.as_ref(),
                budget,
                now,
                conv: &conv,
                input: &input,
            };
            self.settle_session(gw, &turn, &routes, &mut chosen, &mut decision)
                .await;
        }
        let dispatched = chosen.targets.first().or(input.fallback.as_ref());
        self.metrics.decision(
            input.kind,
            chosen.index,
            input.inline.is_some(),
            dispatched.map(|t| t.provider),
        );
        decision.targets = chosen.targets;
        decision
    }

    /// The routes of this request: the config's, or the request's own (inline) ones with their
    /// models resolved now (those naming nothing configured are dropped).
    fn routes_for<'a>(
        &'a self,
        gw: &Gateway,
        inline: Option<&[InlinePreference]>,
    ) -> Cow<'a, [Route]> {
        match inline {
            Some(prefs) => Cow::Owned(
                prefs
                    .iter()
                    .map(|p| Route {
                        name: p.name.clone(),
                        description: p.description.clone(),
                        targets: resolve_models(&p.name, &p.models, &gw.providers, &gw.resolver),
                        prefer: SelectionPreference::None,
                    })
                    .filter(|r| !r.targets.is_empty())
                    .collect(),
            ),
            None => Cow::Borrowed(&self.routes),
        }
    }

    /// `route_on_user_only`: a tool result or an assistant tail replays the session's model
    /// and route without asking the router (spec §4.7).
    #[allow(clippy::too_many_arguments)]
    fn replay(
        &self,
        gw: &Gateway,
        routes: &[Route],
        conv: &Conversation,
        key: &session::SessionKey,
        binding: &plano_state::Binding,
        now: u64,
        lane: &str,
    ) -> Option<Chosen> {
        if !self.sessions.route_on_user_only || conv.is_user_turn() {
            return None;
        }
        let anchor = session::replayable(binding, now, key.prefix_hash, lane)?;
        let r = gw.resolver.resolve(&gw.providers, Some(anchor)).ok()?;
        self.metrics.skipped_not_user_turn();
        tracing::info!(model = %anchor, "router skipped: not a user turn; replaying the session's model");
        Some(Chosen {
            index: binding
                .route_name
                .as_deref()
                .and_then(|n| routes.iter().position(|r| r.name == n)),
            name: binding.route_name.clone(),
            targets: vec![Target {
                provider: r.provider,
                model: r.upstream_model.as_ref().into(),
                written: anchor.into(),
            }],
        })
    }

    /// Asks the router and puts the chosen route's models in their `prefer` order; a failure
    /// is noted in `decision` and means no route.
    async fn choose(
        &self,
        gw: &Gateway,
        routes: &[Route],
        conv: &Conversation,
        input: &RoutingInput<'_>,
        decision: &mut Decision,
    ) -> Chosen {
        let (index, error) = self.ask(gw, routes, conv, input).await;
        decision.router_error = error;
        let Some(i) = index else {
            return Chosen::default();
        };
        Chosen {
            index: Some(i),
            name: Some(routes[i].name.clone()),
            targets: self.feed.order(
                gw.upstreams.get(self.provider).map(|u| &u.client),
                &routes[i].name,
                routes[i].prefer,
                &routes[i].targets,
            ),
        }
    }

    /// The session router: records the turn in the session's binding; a warm session follows
    /// the router unless a routing budget keeps it on its anchor (then `chosen` becomes the
    /// anchor and its route). Arranges the binding's refresh from the response's usage.
    async fn settle_session(
        &self,
        gw: &Gateway,
        turn: &SessionTurn<'_, '_>,
        routes: &[Route],
        chosen: &mut Chosen,
        decision: &mut Decision,
    ) {
        let input = turn.input;
        let Some(candidate) = chosen.targets.first().or(input.fallback.as_ref()) else {
            return;
        };
        let name = session::anchor_name(&gw.providers, candidate);
        let budget = turn.budget;
        let costs = budget.as_ref().map(|_| {
            self.feed
                .costs(gw.upstreams.get(self.provider).map(|u| &u.client))
        });
        let discount = budget.map_or(0.0, |b| b.cache_read_discount);
        let prices = |model: &str| -> Option<Rates> {
            let table = costs.as_deref()?;
            ranking::lookup(table, model).map(|c| Rates::new(c, discount))
        };
        let facts = session::Turn {
            now: turn.now,
            prefix_hash: turn.key.prefix_hash,
            candidate: &name,
            lane: input.lane,
            route: decision.route.as_deref(),
            context_tokens: budget::estimate_tokens(turn.conv),
        };
        let mut settled = session::settle(turn.binding, &facts, budget.as_ref(), &prices);
        if settled.retained() {
            match retain(gw, &settled.binding.anchor_model, &mut chosen.targets) {
                Some(()) => {
                    let kept = settled.binding.route_name.clone();
                    chosen.index = kept
                        .as_deref()
                        .and_then(|n| routes.iter().position(|r| r.name == n));
                    if let (Some(b), Some(r)) = (&budget, &settled.ruling) {
                        log_retained(b, r, &settled.binding, &name, decision);
                    }
                    decision.route = kept;
                }
                None => {
                    // The anchor is no longer configured (a reload removed it): the session
                    // cannot stay, so it follows the router.
                    tracing::warn!(
                        anchor = %settled.binding.anchor_model,
                        "session anchor no longer resolves; following the router"
                    );
                    settled = session::settle(turn.binding, &facts, None, &prices);
                }
            }
        }
        if let Some(r) = &settled.ruling {
            self.metrics.switch(r.reason);
            if r.reason != SwitchReason::SameAnchor && r.reason != SwitchReason::OverCap {
                tracing::debug!(
                    anchor = %turn.binding.map_or("", |b| b.anchor_model.as_str()),
                    candidate = %name,
                    reason = r.reason.label(),
                    switch_cost_in_usd = r.cost_usd,
                    switch_spend_in_usd = settled.binding.switch_spend_usd,
                    baseline_in_usd = settled.binding.baseline_usd,
                    "session switch allowed"
                );
            }
        }
        decision.pinned = settled.pinned;
        decision.switched = settled.switched;
        // A proxied request refreshes the binding from its response's usage (the closure runs
        // only inside a request's access scope).
        if let Some(dispatched) = chosen.targets.first().or(input.fallback.as_ref()) {
            let discount = budget.map_or(budget::DEFAULT_CACHE_READ_DISCOUNT, |b| {
                b.cache_read_discount
            });
            access::note(|f| {
                let plan = self.sessions.refresh_plan(
                    turn.key,
                    settled.binding.clone(),
                    dispatched.provider,
                    discount,
                );
                let _ = f.session.set(Box::new(plan));
            });
        }
        self.sessions
            .save(turn.key, settled.binding, &self.metrics)
            .await;
    }

    /// Asks the router; returns the first known route it named, and the failure if it failed.
    async fn ask(
        &self,
        gw: &Gateway,
        routes: &[Route],
        conv: &Conversation,
        input: &RoutingInput<'_>,
    ) -> (Option<usize>, Option<String>) {
        let descs: Vec<RouteDesc<'_>> = routes
            .iter()
            .map(|r| RouteDesc {
                name: &r.name,
                description: &r.description,
            })
            .collect();
        let prompt = plano_router::build_prompt(self.flavor, &descs, conv, self.context_tokens);
        let started = Instant::now();
        let answer = call::ask(gw, self, &prompt, self.timeout, input.request_id).await;
        let took = started.elapsed();
        self.metrics.router_latency(input.kind, took);
        let names = match answer {
            Ok(names) => names,
            Err(failure) => {
                self.metrics.failure(failure.kind);
                tracing::warn!(
                    router = %gw.providers[self.provider].name,
                    reason = failure.kind.label(),
                    response_time_ms = took.as_millis() as u64,
                    "router failed, routing to the requested model: {}",
                    failure.message
                );
                return (None, Some(failure.message));
            }
        };
        let mut first = None;
        for name in &names {
            match routes.iter().position(|r| r.name == *name) {
                Some(i) if first.is_none() => first = Some(i),
                Some(_) => {}
                None => tracing::warn!(route = %name, "router named an unknown route; ignored"),
            }
        }
        let models: Vec<&str> = first
            .map(|i| routes[i].targets.iter().map(|t| &*t.written).collect())
            .unwrap_or_default();
        tracing::info!(
            "plano-orchestrator determined routes: {:?}, selected route: {}, models: {:?}, response_time_ms={}",
            names,
            first.map_or("none", |i| routes[i].name.as_str()),
            models,
            took.as_millis()
        );
        if names.len() > 1 && first.is_some() {
            tracing::debug!("multiple intents, using the first known route");
        }
        (first, None)
    }
}

/// Refreshes the session binding a routed request saved (`plan`) from its response's `usage`
/// (spec §4.6): real prompt size, and the turn's cost when the loaded price table knows the
/// anchor (a price fetch is never started for this). Called when the request's access record
/// ends, for a 2xx response the anchor's provider served; never blocks or fails the request.
pub(crate) fn refresh_session(gw: &Arc<Gateway>, plan: &SessionRefresh, usage: Usage) {
    let Some(router) = &gw.router else {
        return;
    };
    let costs = router.feed.loaded_costs();
    let cost = ranking::lookup(&costs, plan.anchor())
        .map(|c| budget::turn_cost(&usage, &Rates::new(c, plan.discount)));
    let counted = gw.clone();
    router.sessions.refresh(plan, usage, cost, move || {
        if let Some(r) = &counted.router {
            r.metrics.binding_refreshed();
        }
    });
}

/// Where a request goes without a route, and its lane (the alias-resolved model it named).
/// A request that names no model, or names the router itself, falls back to the `default: true`
/// provider.
pub(crate) fn fallback<'a>(
    gw: &'a Gateway,
    router: &Router,
    requested: Option<&'a str>,
) -> (&'a str, Result<Target, ResolveError>) {
    let requested = requested.filter(|m| !m.is_empty());
    let lane = requested.map_or("", |m| gw.resolver.alias(m));
    let names_router = gw.providers.get(router.provider).is_some_and(|p| {
        !lane.is_empty() && (lane == p.name || lane == p.model || lane == p.model_id)
    });
    let asked = if names_router { None } else { requested };
    let target = gw.resolver.resolve(&gw.providers, asked).map(|r| Target {
        provider: r.provider,
        model: r.upstream_model.as_ref().into(),
        written: match asked {
            Some(_) => lane.into(),
            None => gw.providers[r.provider].name.as_str().into(),
        },
    });
    (lane, target)
}

/// Puts the session's anchor first in `targets` (moved if the route lists it, inserted if
/// not), the rest staying its failover chain. `None`: the anchor no longer resolves.
fn retain(gw: &Gateway, anchor: &str, targets: &mut Vec<Target>) -> Option<()> {
    let r = gw.resolver.resolve(&gw.providers, Some(anchor)).ok()?;
    let listed = targets
        .iter()
        .position(|t| t.provider == r.provider && *t.model == *r.upstream_model);
    let target = match listed {
        Some(i) => targets.remove(i),
        None => Target {
            provider: r.provider,
            model: r.upstream_model.as_ref().into(),
            written: anchor.into(),
        },
    };
    targets.insert(0, target);
    Some(())
}

/// The log line of a switch the budget vetoed (spec §4.8), with the counterfactual route when
/// `record_counterfactual` asks for it.
fn log_retained(
    budget: &Budget,
    ruling: &budget::Ruling,
    kept: &plano_state::Binding,
    candidate: &str,
    decision: &Decision,
) {
    let counterfactual = budget
        .record_counterfactual
        .then(|| match decision.route.as_deref() {
            Some(route) if !route.is_empty() && route != "none" => {
                format!("{candidate} ({route})")
            }
            _ => candidate.to_owned(),
        });
    tracing::info!(
        anchor = %kept.anchor_model,
        candidate = %candidate,
        switch_cost_in_usd = ruling.cost_usd,
        switch_spend_in_usd = kept.switch_spend_usd,
        overhead_ceiling_in_usd = ruling.ceiling_usd,
        baseline_in_usd = kept.baseline_usd,
        candidate_warm_tokens = ruling.candidate_warm_tokens,
        counterfactual_route = counterfactual.as_deref(),
        "switch vetoed: it would exceed the session's switch-spend cap; retaining the anchor"
    );
}

/// A route's models → targets, in the order written. A name that does not resolve (only
/// possible for inline preferences; the config is validated) is dropped with a warning.
fn resolve_models(
    route: &str,
    models: &[String],
    providers: &[Provider],
    resolver: &Resolver,
) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::with_capacity(models.len());
    for m in models {
        match resolver.resolve(providers, Some(m)) {
            Ok(r) => {
                let t = Target {
                    provider: r.provider,
                    model: r.upstream_model.as_ref().into(),
                    written: m.as_str().into(),
                };
                if !out
                    .iter()
                    .any(|o| o.provider == t.provider && o.model == t.model)
                {
                    out.push(t);
                }
            }
            Err(_) => {
                tracing::warn!(route = %route, model = %m, "route model is not configured; ignored")
            }
        }
    }
    out
}
