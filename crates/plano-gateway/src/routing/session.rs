//! Session affinity (spec §4.6–4.7): which session a request belongs to, what the session
//! remembers (a `plano_state::Binding`), and the session router's verdict for this turn.
//!
//! - **Key.** `X-Model-Affinity` when the client sends it (always honoured); otherwise, when
//!   implicit affinity is on (`prompt_caching` with `session_affinity`, `route_on_user_only`,
//!   or a routing budget — configured or per request) and the request is not
//!   `x-plano-cache: off`, an implicit key
//!   hashed from the tenant, system text, tool names and first user message. A tenant header
//!   (`routing.session_cache.tenant_header`) prefixes the stored key.
//! - **Store.** In memory (bounded, TTL) by default; Redis with `session_cache.type: redis`,
//!   connected on first use (a Redis that is down at start-up does not stop the gateway, and
//!   while it stays down each request pays only the pool's back-off check). Redis errors **fail open**: a failed read is a miss, a failed
//!   write is logged and counted — a session cache never fails a request.
//! - **Verdict** ([`settle`], pure): a binding is *warm* for [`WARM_WINDOW`] after its last
//!   use, unless the prompt prefix drifted. Without a routing budget the session follows the
//!   router (as upstream does); with one (`budget`) a warm session keeps its anchor when the
//!   switch would overspend. The binding records the turn either way, which is what
//!   `route_on_user_only` replays and what the routing API reports as `pinned`/`switched`.
//!   Writes are fire-and-forget so they never add latency.
//! - **Refresh.** After a 2xx response whose usage is known, the binding this turn saved is
//!   refined ([`refine`], pure): `cached_tokens` (and the anchor's history entry) become the
//!   provider's real prompt size, and the turn's cost is added to `session_cost_usd`. Skipped
//!   when another turn has written the binding since (its own refresh follows).

use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName};
use plano_config::{Config, Provider};
use plano_router::Conversation;
use plano_state::{Binding, SessionStore};
use plano_translate::Usage;

use super::Target;
use super::budget::{self, Budget, Rates, Ruling};
use crate::metrics::{CacheEvent, RoutingMetrics};

/// Every provider's prompt cache stays warm this long after a request (spec §4.6).
pub(crate) const WARM_WINDOW: Duration = Duration::from_secs(300);

pub static X_MODEL_AFFINITY: HeaderName = HeaderName::from_static("x-model-affinity");
pub static X_PLANO_CACHE: HeaderName = HeaderName::from_static("x-plano-cache");

/// Default capacity of the in-memory store.
const DEFAULT_CAPACITY: usize = 10_000;

/// A request's session.
#[derive(Debug)]
pub(crate) struct SessionKey {
    /// What the client and the routing API see.
    pub id: String,
    /// The key in the store (`<tenant>:<id>` with a tenant).
    store_key: String,
    /// Hash of tenant, system text and tool names (drift detection).
    pub prefix_hash: Option<u64>,
}

/// What a request carries from its routing decision to the end of its response, to refresh
/// its session binding then (spec §4.6): set by `Router::decide` after saving, read when the
/// access record ends (`crate::access`).
#[derive(Debug)]
pub(crate) struct SessionRefresh {
    store_key: String,
    /// The provider the turn was dispatched to: the anchor's. A response a failover candidate
    /// served says nothing about the anchor's cache.
    pub provider: usize,
    /// The binding as this turn saved it.
    binding: Binding,
    /// Cached-input rate = input × this, for models without a published cached rate.
    pub discount: f64,
    /// Usage from a non-streaming body the relay had to read whole anyway (a translated
    /// response); streams report theirs in `Facts::usage`. Same-API bodies are never parsed.
    pub body_usage: OnceLock<Usage>,
}

impl SessionRefresh {
    /// The model the turn was dispatched to, as the binding names it.
    pub fn anchor(&self) -> &str {
        &self.binding.anchor_model
    }
}

#[derive(Debug)]
pub(crate) struct Sessions {
    /// In memory, or Redis connected on first use (its pool reconnects and backs off on its own).
    store: Arc<SessionStore>,
    tenant_header: Option<HeaderName>,
    /// Implicit keys are derived (spec §4.6 "implicit affinity is enabled"); a request with a
    /// budget header enables them for itself.
    implicit: bool,
    pub route_on_user_only: bool,
}

impl Sessions {
    pub fn new(config: &Config) -> Self {
        let cache = config.routing.session_cache.as_ref();
        let memory = || {
            SessionStore::memory(
                config
                    .routing
                    .session_max_entries
                    .map_or(DEFAULT_CAPACITY, |n| n as usize),
            )
        };
        let store = match cache.and_then(|c| c.url.as_ref()) {
            Some(url) if cache.is_some_and(|c| c.kind == "redis") => {
                SessionStore::redis_lazy(url.expose()).unwrap_or_else(|err| {
                    // Validation checked the URL's shape; what is left (a bad TLS setup) should
                    // not stop the gateway: affinity falls back to this process's memory.
                    tracing::error!(error = %err, "cannot use the Redis session cache; keeping sessions in memory");
                    memory()
                })
            }
            _ => memory(),
        };
        let caching = &config.prompt_caching;
        Sessions {
            store: Arc::new(store),
            tenant_header: cache
                .and_then(|c| c.tenant_header.as_deref())
                .and_then(|h| HeaderName::from_bytes(h.as_bytes()).ok()),
            implicit: (caching.enabled && caching.session_affinity)
                || config.routing.route_on_user_only
                || config.routing.routing_budget.is_some(),
            route_on_user_only: config.routing.route_on_user_only,
        }
    }

    /// The request's session, if it has one. Called only when there are preferences to route
    /// on; `budget`: the request has a routing budget, which needs a session to protect.
    pub fn key(
        &self,
        headers: &HeaderMap,
        conv: &Conversation,
        budget: bool,
    ) -> Option<SessionKey> {
        let tenant = self
            .tenant_header
            .as_ref()
            .and_then(|h| headers.get(h))
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let cache_off = headers
            .get(&X_PLANO_CACHE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("off"));
        let explicit = headers
            .get(&X_MODEL_AFFINITY)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.len() <= 256);
        let id = match explicit {
            Some(id) => id.to_owned(),
            None if (self.implicit || budget) && !cache_off => {
                plano_router::session_key(tenant, conv)?
            }
            None => return None,
        };
        // Only a request with a session needs the prefix (drift detection).
        let prefix_hash = if cache_off {
            None
        } else {
            plano_router::prefix_hash(tenant, conv)
        };
        let store_key = if tenant.is_empty() {
            id.clone()
        } else {
            format!("{tenant}:{id}")
        };
        Some(SessionKey {
            id,
            store_key,
            prefix_hash,
        })
    }

    /// The session's binding; a store error is a miss.
    pub async fn load(&self, key: &SessionKey, metrics: &RoutingMetrics) -> Option<Binding> {
        match self.store.get(&key.store_key).await {
            Ok(Some(b)) => {
                metrics.cache(CacheEvent::Hit);
                Some(b)
            }
            Ok(None) => {
                metrics.cache(CacheEvent::Miss);
                None
            }
            Err(err) => {
                metrics.cache(CacheEvent::Error);
                tracing::warn!(error = %err, "session cache read failed; treated as a miss");
                None
            }
        }
    }

    /// What the end of the request needs to refresh the binding just saved.
    pub fn refresh_plan(
        &self,
        key: &SessionKey,
        binding: Binding,
        provider: usize,
        discount: f64,
    ) -> SessionRefresh {
        SessionRefresh {
            store_key: key.store_key.clone(),
            provider,
            binding,
            discount,
            body_usage: OnceLock::new(),
        }
    }

    /// Refines the binding `plan` saved with the response's `usage` and the turn's `cost`
    /// ([`refine`]) and writes it back for [`WARM_WINDOW`]. Never blocks: the memory store is
    /// read and written here (synchronous, no lock held past the call), Redis in a spawned
    /// task (read, then write; failures are logged). `refreshed` runs once the binding was
    /// written.
    pub fn refresh(
        &self,
        plan: &SessionRefresh,
        usage: Usage,
        cost: Option<f64>,
        refreshed: impl FnOnce() + Send + 'static,
    ) {
        if let SessionStore::Memory(store) = &*self.store {
            let current = store.get(&plan.store_key);
            if let Some(b) = refine(current, &plan.binding, &usage, cost) {
                store.put(&plan.store_key, &b, WARM_WINDOW);
                refreshed();
            }
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let store = self.store.clone();
        let key = plan.store_key.clone();
        let saved = plan.binding.clone();
        runtime.spawn(async move {
            let current = match store.get(&key).await {
                Ok(current) => current,
                Err(err) => {
                    tracing::warn!(error = %err, "session cache read failed; binding not refreshed");
                    return;
                }
            };
            let Some(b) = refine(current, &saved, &usage, cost) else {
                return;
            };
            match store.put(&key, &b, WARM_WINDOW).await {
                Ok(()) => refreshed(),
                Err(err) => tracing::warn!(error = %err, "session cache write failed; binding not refreshed"),
            }
        });
    }

    /// Writes the binding in the background (a write never delays the request).
    pub async fn save(&self, key: &SessionKey, binding: Binding, metrics: &RoutingMetrics) {
        if self.store.kind() == "memory" {
            // In-process: it completes at once, cheaper than a task.
            match self.store.put(&key.store_key, &binding, WARM_WINDOW).await {
                Ok(()) => metrics.cache(CacheEvent::Store),
                Err(_) => metrics.cache(CacheEvent::StoreError),
            }
            return;
        }
        let store = self.store.clone();
        let k = key.store_key.clone();
        // Counted before the write completes: the outcome is only logged.
        metrics.cache(CacheEvent::Store);
        tokio::spawn(async move {
            if let Err(err) = store.put(&k, &binding, WARM_WINDOW).await {
                tracing::warn!(error = %err, "session cache write failed");
            }
        });
    }
}

pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// How a binding names its model: the provider's name, or `prefix/model` for a wildcard
/// provider (whose name is `prefix/*`). Either resolves back to the same target.
pub(crate) fn anchor_name(providers: &[Provider], t: &Target) -> String {
    match providers.get(t.provider) {
        Some(p) if p.wildcard => format!("{}/{}", p.prefix, t.model),
        Some(p) => p.name.clone(),
        None => t.written.to_string(),
    }
}

fn is_warm(b: &Binding, now: u64, prefix_hash: Option<u64>) -> bool {
    let recent = now.saturating_sub(b.last_used) <= WARM_WINDOW.as_secs();
    let drift = b.prefix_hash.is_some() && prefix_hash.is_some() && b.prefix_hash != prefix_hash;
    recent && !drift
}

/// The model to replay on a non-user turn (spec §4.7): the binding must be warm, unchanged in
/// prefix, and of the same lane (a side call on another model must not inherit the loop's).
pub(crate) fn replayable<'b>(
    b: &'b Binding,
    now: u64,
    prefix_hash: Option<u64>,
    lane: &str,
) -> Option<&'b str> {
    (b.requested_model == lane && is_warm(b, now, prefix_hash)).then_some(b.anchor_model.as_str())
}

/// The binding to write back after a turn's response (spec §4.6 "refreshed after the
/// response"), or `None` to leave the store alone.
///
/// `current` is what the store holds now, `saved` what this turn wrote. A stored binding of
/// another turn (a later request on the same session wrote since) is left alone: that turn's
/// own refresh follows. One that is gone (expired, evicted, or a Redis write that failed) is
/// written again from `saved`. `cached_tokens` and the anchor's history entry become the real
/// prompt size — `usage.input_tokens` in OpenAI's convention: every prompt token, cache reads
/// and (Anthropic) cache writes included; `cost`, when the cost table priced the turn, is
/// added to `session_cost_usd`. Usage without prompt tokens refreshes nothing.
pub(crate) fn refine(
    current: Option<Binding>,
    saved: &Binding,
    usage: &Usage,
    cost: Option<f64>,
) -> Option<Binding> {
    let prompt = usage.input_tokens;
    if prompt == 0 {
        return None;
    }
    let mut b = match current {
        Some(c) if same_turn(&c, saved) => c,
        Some(_) => return None,
        None => saved.clone(),
    };
    b.cached_tokens = prompt;
    if let Some(e) = b.history.iter_mut().find(|e| e.model == b.anchor_model) {
        e.cached_tokens = prompt;
    }
    if let Some(cost) = cost.filter(|c| c.is_finite() && *c > 0.0) {
        b.session_cost_usd += cost;
    }
    Some(b)
}

/// Whether the stored binding `c` is the one `saved` by this turn. Compared field by field
/// rather than whole: the budget's floats need not survive a JSON round trip bit for bit.
fn same_turn(c: &Binding, saved: &Binding) -> bool {
    c.last_used == saved.last_used
        && c.anchor_model == saved.anchor_model
        && c.requested_model == saved.requested_model
        && c.prefix_hash == saved.prefix_hash
        && c.switches == saved.switches
        && c.cached_tokens == saved.cached_tokens
}

/// One turn as the session router sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Turn<'a> {
    pub now: u64,
    pub prefix_hash: Option<u64>,
    /// The router's model (or the request's own, without a route), as a binding names it.
    pub candidate: &'a str,
    /// The alias-resolved model the client asked for.
    pub lane: &'a str,
    /// The route that chose `candidate`.
    pub route: Option<&'a str>,
    /// This request's context estimate (`budget::estimate_tokens`).
    pub context_tokens: u64,
}

/// What the session router decided for one turn.
#[derive(Debug)]
pub(crate) struct Settled {
    /// The binding to store: its `anchor_model` and `route_name` are where the turn goes.
    pub binding: Binding,
    /// The session was warm (and its prefix unchanged).
    pub pinned: bool,
    /// The session moved to the candidate from another model.
    pub switched: bool,
    /// The verdict on a warm turn; `None` on a cold one (which always takes the candidate).
    pub ruling: Option<Ruling>,
}

impl Settled {
    /// The session keeps its anchor instead of the candidate (a budget vetoed the switch).
    pub fn retained(&self) -> bool {
        self.ruling.as_ref().is_some_and(Ruling::retained)
    }
}

/// The session router: where the turn goes and the binding to store.
///
/// A cold, drifted or new session takes the candidate and starts an episode (its default model
/// is the candidate; a budget with `replenish_on_rebind: false` carries the old episode's
/// totals and default model over). A warm one is ruled on by [`budget::rule`]: without a
/// budget it follows the router; with one it may keep its anchor (model and route).
pub(crate) fn settle(
    previous: Option<&Binding>,
    turn: &Turn<'_>,
    budget: Option<&Budget>,
    prices: &dyn Fn(&str) -> Option<Rates>,
) -> Settled {
    let warm = previous.is_some_and(|b| is_warm(b, turn.now, turn.prefix_hash));
    let mut ruling = None;
    let mut next = match previous {
        Some(b) if warm => {
            let mut next = b.clone();
            ruling = Some(budget::rule(
                &mut next,
                budget,
                prices,
                turn.now,
                turn.candidate,
                turn.context_tokens,
            ));
            next
        }
        Some(b) => {
            // A new episode; the history survives a cold binding but not a drifted prefix.
            let drifted = b.prefix_hash.is_some()
                && turn.prefix_hash.is_some()
                && b.prefix_hash != turn.prefix_hash;
            let mut next = Binding {
                default_model: turn.candidate.to_owned(),
                history: if drifted {
                    Vec::new()
                } else {
                    b.history.clone()
                },
                // The session's running cost is not the episode's.
                session_cost_usd: b.session_cost_usd,
                ..Binding::default()
            };
            if budget.is_some_and(|bud| !bud.replenish_on_rebind) {
                next.baseline_usd = b.baseline_usd;
                next.switch_spend_usd = b.switch_spend_usd;
                if !b.default_model.is_empty() {
                    next.default_model.clone_from(&b.default_model);
                }
            }
            next
        }
        None => Binding {
            default_model: turn.candidate.to_owned(),
            ..Binding::default()
        },
    };
    let retained = ruling.as_ref().is_some_and(Ruling::retained);
    let switched = warm && !retained && next.anchor_model != turn.candidate;
    if !retained {
        next.anchor_model = turn.candidate.to_owned();
        next.route_name = turn.route.map(str::to_owned);
    }
    next.requested_model = turn.lane.to_owned();
    next.prefix_hash = turn.prefix_hash;
    next.last_used = turn.now;
    if turn.context_tokens > 0 {
        next.cached_tokens = turn.context_tokens;
    }
    let (anchor, cached) = (next.anchor_model.clone(), next.cached_tokens);
    next.touch_history(&anchor, turn.now, cached);
    Settled {
        binding: next,
        pinned: warm,
        switched,
        ruling,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::SwitchReason;

    fn bound(anchor: &str, last_used: u64, prefix: Option<u64>) -> Binding {
        Binding {
            anchor_model: anchor.into(),
            default_model: anchor.into(),
            requested_model: "lane".into(),
            prefix_hash: prefix,
            last_used,
            ..Binding::default()
        }
    }

    fn turn<'a>(now: u64, prefix: Option<u64>, candidate: &'a str) -> Turn<'a> {
        Turn {
            now,
            prefix_hash: prefix,
            candidate,
            lane: "lane",
            route: None,
            context_tokens: 0,
        }
    }

    /// Without a budget.
    fn follow(previous: Option<&Binding>, t: Turn<'_>) -> (Binding, bool, bool) {
        let s = settle(previous, &t, None, &|_| None);
        (s.binding, s.pinned, s.switched)
    }

    #[test]
    fn a_new_session_starts_an_episode() {
        let t = Turn {
            route: Some("code"),
            ..turn(1000, Some(7), "a")
        };
        let (b, pinned, switched) = follow(None, t);
        assert!(!pinned && !switched);
        assert_eq!(b.anchor_model, "a");
        assert_eq!(b.default_model, "a");
        assert_eq!(b.route_name.as_deref(), Some("code"));
        assert_eq!(b.last_used, 1000);
        assert_eq!(b.history.len(), 1);
    }

    #[test]
    fn warm_same_model_stays_pinned() {
        let prev = bound("a", 1000, Some(7));
        let s = settle(Some(&prev), &turn(1100, Some(7), "a"), None, &|_| None);
        assert!(s.pinned && !s.switched);
        assert_eq!(s.binding.switches, 0);
        assert_eq!(s.ruling.map(|r| r.reason), Some(SwitchReason::SameAnchor));
    }

    #[test]
    fn warm_other_model_follows_the_router() {
        let prev = bound("a", 1000, Some(7));
        let s = settle(Some(&prev), &turn(1100, Some(7), "b"), None, &|_| None);
        assert!(s.pinned && s.switched && !s.retained());
        assert_eq!(s.ruling.map(|r| r.reason), Some(SwitchReason::Free));
        let b = s.binding;
        assert_eq!(b.anchor_model, "b");
        assert_eq!(b.default_model, "a", "same episode");
        assert_eq!(b.switches, 1);
    }

    #[test]
    fn cold_or_drifted_starts_over() {
        let prev = bound("a", 1000, Some(7));
        let (b, pinned, switched) = follow(Some(&prev), turn(1000 + 301, Some(7), "b"));
        assert!(!pinned && !switched);
        assert_eq!(b.default_model, "b");
        let (b, pinned, _) = follow(Some(&prev), turn(1001, Some(8), "b"));
        assert!(!pinned);
        assert_eq!(b.history.len(), 1, "drift clears the history");
    }

    #[test]
    fn replay_needs_warmth_the_same_prefix_and_the_same_lane() {
        let b = bound("a", 1000, Some(7));
        assert_eq!(replayable(&b, 1200, Some(7), "lane"), Some("a"));
        assert_eq!(replayable(&b, 1301, Some(7), "lane"), None, "cold");
        assert_eq!(replayable(&b, 1200, Some(8), "lane"), None, "drift");
        assert_eq!(replayable(&b, 1200, Some(7), "other"), None, "side call");
    }

    // With a budget: `a` cached 0.3, `b` input 5.0 per million; 100 000 tokens of context
    // (see `budget::tests` for the arithmetic).
    fn prices(m: &str) -> Option<Rates> {
        let (input, cached) = match m {
            "a" => (3.0, 0.3),
            "b" => (5.0, 0.5),
            _ => return None,
        };
        Some(Rates {
            input,
            output: 10.0,
            cached,
        })
    }

    fn budget(pct: f64, replenish_on_rebind: bool) -> Budget {
        Budget {
            max_switch_spend_pct: pct,
            replenish_on_rebind,
            cache_read_discount: 0.1,
            record_counterfactual: false,
        }
    }

    #[test]
    fn an_unaffordable_switch_keeps_the_anchor_and_its_route() {
        let mut prev = bound("a", 1000, Some(7));
        prev.route_name = Some("cheap".into());
        prev.cached_tokens = 100_000;
        let t = Turn {
            route: Some("pricey"),
            context_tokens: 120_000,
            ..turn(1100, Some(7), "b")
        };
        let s = settle(Some(&prev), &t, Some(&budget(5.0, true)), &prices);
        assert!(s.retained() && s.pinned && !s.switched);
        let b = &s.binding;
        assert_eq!(b.anchor_model, "a");
        assert_eq!(b.route_name.as_deref(), Some("cheap"));
        assert_eq!(b.switches, 0);
        assert!((b.baseline_usd - 0.03).abs() < 1e-12, "{}", b.baseline_usd);
        assert_eq!(
            b.cached_tokens, 120_000,
            "this request's estimate is stored"
        );
        assert_eq!(b.history[0].model, "a");
        assert!(b.history_entry("b").is_none(), "the candidate never served");
    }

    #[test]
    fn an_affordable_switch_moves_and_spends() {
        let mut prev = bound("a", 1000, Some(7));
        prev.cached_tokens = 100_000;
        prev.baseline_usd = 2.0;
        let t = Turn {
            route: Some("pricey"),
            ..turn(1100, Some(7), "b")
        };
        let s = settle(Some(&prev), &t, Some(&budget(25.0, true)), &prices);
        assert!(!s.retained() && s.switched);
        assert_eq!(
            s.ruling.as_ref().map(|r| r.reason),
            Some(SwitchReason::WithinCap)
        );
        let b = &s.binding;
        assert_eq!((b.anchor_model.as_str(), b.switches), ("b", 1));
        assert_eq!(b.route_name.as_deref(), Some("pricey"));
        assert!((b.switch_spend_usd - 0.47).abs() < 1e-12);
        assert_eq!(
            b.cached_tokens, 100_000,
            "no estimate: the binding's count stays"
        );
    }

    #[test]
    fn a_new_episode_replenishes_unless_told_not_to() {
        let mut prev = bound("b", 1000, Some(7));
        prev.default_model = "a".into();
        prev.baseline_usd = 1.5;
        prev.switch_spend_usd = 0.25;
        prev.switches = 3;
        let cold = turn(2000, Some(7), "c");
        let s = settle(Some(&prev), &cold, Some(&budget(5.0, true)), &prices);
        let b = &s.binding;
        assert_eq!(
            (b.baseline_usd, b.switch_spend_usd, b.switches),
            (0.0, 0.0, 0)
        );
        assert_eq!(b.default_model, "c");

        let s = settle(Some(&prev), &cold, Some(&budget(5.0, false)), &prices);
        let b = &s.binding;
        assert!(!s.pinned && s.ruling.is_none());
        assert_eq!(
            (b.baseline_usd, b.switch_spend_usd, b.switches),
            (1.5, 0.25, 0)
        );
        assert_eq!(b.default_model, "a", "the baseline's lineage is kept");
        assert_eq!(b.anchor_model, "c");
    }

    /// The binding a turn on `a` saved: its estimate 40 tokens, `b` used earlier.
    fn saved() -> Binding {
        let mut b = bound("a", 1000, Some(7));
        b.cached_tokens = 40;
        b.touch_history("b", 900, 5000);
        b.touch_history("a", 1000, 40);
        b
    }

    #[test]
    fn refresh_takes_the_real_prompt_size_and_adds_the_cost() {
        let s = saved();
        // Anthropic: 12 uncached + 100 read + 20 written = 132 prompt tokens.
        let usage = Usage::from_anthropic(12, 6, 100, 20);
        let b = refine(Some(s.clone()), &s, &usage, Some(0.25)).unwrap();
        assert_eq!(b.cached_tokens, 132);
        assert_eq!(b.history_entry("a").map(|e| e.cached_tokens), Some(132));
        assert_eq!(b.history_entry("a").map(|e| e.last_used), Some(1000));
        assert_eq!(b.history_entry("b").map(|e| e.cached_tokens), Some(5000));
        assert_eq!(b.session_cost_usd, 0.25);
        // OpenAI: prompt_tokens already counts the cached ones; no price → no cost.
        let mut earlier = s.clone();
        earlier.session_cost_usd = 0.5;
        let b = refine(Some(earlier), &s, &Usage::from_openai(1117, 46, 1024), None).unwrap();
        assert_eq!(b.cached_tokens, 1117);
        assert_eq!(b.session_cost_usd, 0.5);
    }

    #[test]
    fn refresh_leaves_a_later_turn_alone_and_rewrites_a_lost_binding() {
        let s = saved();
        let usage = Usage::from_openai(900, 10, 0);
        let mut later = s.clone();
        later.last_used = 1010;
        later.cached_tokens = 55;
        assert_eq!(refine(Some(later), &s, &usage, Some(1.0)), None);
        let b = refine(None, &s, &usage, Some(1.0)).unwrap();
        assert_eq!((b.cached_tokens, b.session_cost_usd), (900, 1.0));
        assert_eq!(b.anchor_model, "a");
        // Floats that moved in a JSON round trip do not make it another turn's binding.
        let mut stored = s.clone();
        stored.baseline_usd += 1e-17;
        assert!(refine(Some(stored), &s, &usage, None).is_some());
        assert_eq!(
            refine(Some(s.clone()), &s, &Usage::default(), Some(1.0)),
            None
        );
    }

    #[test]
    fn a_new_episode_keeps_the_session_cost() {
        let mut prev = bound("a", 1000, Some(7));
        prev.session_cost_usd = 0.75;
        let (b, pinned, _) = follow(Some(&prev), turn(2000, Some(7), "b"));
        assert!(!pinned);
        assert_eq!(b.session_cost_usd, 0.75);
    }
}
