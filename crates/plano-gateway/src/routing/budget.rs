//! The routing budget (spec §4.8): how much a session may spend on switching models.
//!
//! Switching a warm session to another model throws its prompt cache away: the new model reads
//! the whole context at its uncached input rate, where the anchor would have read it at its
//! cached rate. The router judges quality only, so without a budget a session follows it
//! whatever that costs. With `routing.routing_budget` (or the per-request header
//! `x-plano-max-switch-spend-pct`) the session router lets a paid switch through only while the
//! episode's switch spending stays within `max_switch_spend_pct` percent of its *never-switch
//! baseline* — what staying on the episode's first model would have cost. The promise to the
//! user: a conversation bills at most that percentage above never switching.
//!
//! Everything here is arithmetic over a [`Binding`] and a price lookup, with no I/O, so every
//! verdict is unit-tested with hand-computed numbers; `session::settle` calls [`rule`] on each
//! warm turn and the gateway feeds it the live cost table (`feed`).
//!
//! - Baseline: each warm turn adds `context × cached_rate(default_model) / 1e6` (nothing when
//!   the default model has no price), whatever the verdict.
//! - Switch cost: `((context − warm) × candidate_input + warm × candidate_cached − context ×
//!   anchor_cached) / 1e6`, where `warm` is what the candidate still has cached from an earlier
//!   visit within its warmth window (a return A→B→A re-reads only what was appended since).
//! - Verdict: a price missing on either side → allow (`no_pricing`: never veto the router on
//!   guesswork); cost ≤ 0 → allow (`free`, spends nothing); `spend + cost ≤ pct/100 × baseline`
//!   → allow and spend (`within_cap`); otherwise keep the anchor (`over_cap`).
//!
//! A budget also makes implicit session keys (spec §4.6): it can only protect a session it can
//! recognise.

use http::{HeaderMap, HeaderName};
use plano_config::RoutingBudget;
use plano_router::{Conversation, ranking::ModelCost};
use plano_state::Binding;
use plano_translate::Usage;

use super::session::WARM_WINDOW;
use crate::metrics::SwitchReason;

/// Per-request switch-spend cap, a percentage `0..=100`.
pub static X_PLANO_MAX_SWITCH_SPEND_PCT: HeaderName =
    HeaderName::from_static("x-plano-max-switch-spend-pct");

/// `cache_read_discount` of a budget made by the header alone, and of session cost accounting
/// without a budget (the config's default, spec §4.4).
pub(crate) const DEFAULT_CACHE_READ_DISCOUNT: f64 = 0.1;

/// Tokens per million, the unit of catalog prices.
const PER_MILLION: f64 = 1_000_000.0;

/// A routing budget in force for one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Budget {
    /// Percent of the baseline an episode may spend on switches.
    pub max_switch_spend_pct: f64,
    /// A new episode starts from zero (`false`: it carries the old totals and default model).
    pub replenish_on_rebind: bool,
    /// Cached-input rate = input rate × this, for models without a published cached rate.
    pub cache_read_discount: f64,
    /// Name the switch a retained anchor cost us in the log line.
    pub record_counterfactual: bool,
}

impl Budget {
    pub fn from_config(b: &RoutingBudget) -> Budget {
        Budget {
            max_switch_spend_pct: b.max_switch_spend_pct,
            replenish_on_rebind: b.replenish_on_rebind,
            cache_read_discount: b.cache_read_discount,
            record_counterfactual: b.record_counterfactual,
        }
    }

    /// The budget of one request: the configured one, its percentage replaced by a valid
    /// `x-plano-max-switch-spend-pct`; a valid header without a configured budget makes one
    /// with the defaults. An invalid header is ignored with a warning.
    pub fn for_request(configured: Option<&Budget>, headers: &HeaderMap) -> Option<Budget> {
        let Some(raw) = headers.get(&X_PLANO_MAX_SWITCH_SPEND_PCT) else {
            return configured.copied();
        };
        let Some(pct) = raw.to_str().ok().and_then(parse_pct) else {
            tracing::warn!(
                value = %String::from_utf8_lossy(raw.as_bytes()),
                "ignoring x-plano-max-switch-spend-pct: must be a number between 0 and 100"
            );
            return configured.copied();
        };
        Some(match configured {
            Some(b) => Budget {
                max_switch_spend_pct: pct,
                ..*b
            },
            None => Budget {
                max_switch_spend_pct: pct,
                replenish_on_rebind: true,
                cache_read_discount: DEFAULT_CACHE_READ_DISCOUNT,
                record_counterfactual: false,
            },
        })
    }
}

/// A percentage `0..=100` (surrounding whitespace allowed).
fn parse_pct(v: &str) -> Option<f64> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|p| (0.0..=100.0).contains(p))
}

/// A model's prices in USD per million tokens, the cached-input rate filled in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rates {
    pub input: f64,
    pub output: f64,
    pub cached: f64,
}

impl Rates {
    /// The published cached-read rate, else `input × discount` (spec §4.4).
    pub fn new(cost: &ModelCost, discount: f64) -> Rates {
        Rates {
            input: cost.input,
            output: cost.output,
            cached: cost.cache_read.unwrap_or(cost.input * discount),
        }
    }
}

/// The session router's verdict on one warm turn, with the numbers behind it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ruling {
    pub reason: SwitchReason,
    /// The context size the turn was priced at.
    pub context_tokens: u64,
    /// What switching would cost (only when both sides are priced).
    pub cost_usd: Option<f64>,
    /// `pct/100 × baseline` after this turn's growth (only with a budget and a switch).
    pub ceiling_usd: Option<f64>,
    /// Context the candidate still has cached from an earlier visit.
    pub candidate_warm_tokens: u64,
}

impl Ruling {
    /// The session keeps its anchor against the router.
    pub fn retained(&self) -> bool {
        self.reason == SwitchReason::OverCap
    }

    fn new(reason: SwitchReason, context_tokens: u64) -> Ruling {
        Ruling {
            reason,
            context_tokens,
            cost_usd: None,
            ceiling_usd: None,
            candidate_warm_tokens: 0,
        }
    }
}

/// Rules on a warm turn whose router candidate is `candidate`.
///
/// `state` is the session's warm binding as read (its `anchor_model`, `default_model`,
/// `cached_tokens` and `history` are the previous turn's); its `baseline_usd`,
/// `switch_spend_usd` and `switches` are updated here. `request_tokens` is this request's own
/// context estimate, used when the binding has none. `prices` answers a model's rates, `None`
/// when the cost table does not know it. Without a budget the session follows the router.
pub(crate) fn rule(
    state: &mut Binding,
    budget: Option<&Budget>,
    prices: &dyn Fn(&str) -> Option<Rates>,
    now: u64,
    candidate: &str,
    request_tokens: u64,
) -> Ruling {
    let context = if state.cached_tokens > 0 {
        state.cached_tokens
    } else {
        request_tokens
    };
    let same = candidate == state.anchor_model;
    let Some(budget) = budget else {
        if same {
            return Ruling::new(SwitchReason::SameAnchor, context);
        }
        state.switches = state.switches.saturating_add(1);
        return Ruling::new(SwitchReason::Free, context);
    };

    // The never-switch baseline grows by this turn's cached read on the default model (a
    // binding written before default models existed falls back to its anchor).
    let default = if state.default_model.is_empty() {
        state.anchor_model.as_str()
    } else {
        state.default_model.as_str()
    };
    state.baseline_usd += prices(default).map_or(0.0, |r| usd(context, r.cached));
    if same {
        return Ruling::new(SwitchReason::SameAnchor, context);
    }

    let ceiling = budget.max_switch_spend_pct / 100.0 * state.baseline_usd;
    let warm = candidate_warm_tokens(state, candidate, now, context);
    let mut ruling = Ruling {
        ceiling_usd: Some(ceiling),
        candidate_warm_tokens: warm,
        ..Ruling::new(SwitchReason::NoPricing, context)
    };
    let (Some(anchor), Some(cand)) = (prices(&state.anchor_model), prices(candidate)) else {
        state.switches = state.switches.saturating_add(1);
        return ruling;
    };
    let cost = switch_cost(context, warm, &cand, &anchor);
    ruling.cost_usd = Some(cost);
    ruling.reason = if cost <= 0.0 {
        SwitchReason::Free
    } else if state.switch_spend_usd + cost <= ceiling {
        state.switch_spend_usd += cost;
        SwitchReason::WithinCap
    } else {
        SwitchReason::OverCap
    };
    if !ruling.retained() {
        state.switches = state.switches.saturating_add(1);
    }
    ruling
}

/// Tokens of `context` the candidate still has cached: its history entry's count (at most the
/// context) when it served the session within the warmth window, else 0.
fn candidate_warm_tokens(state: &Binding, candidate: &str, now: u64, context: u64) -> u64 {
    state
        .history_entry(candidate)
        .filter(|e| now.saturating_sub(e.last_used) <= WARM_WINDOW.as_secs())
        .map_or(0, |e| e.cached_tokens.min(context))
}

/// USD the candidate pays to read the context (the warm part cached, the rest uncached) minus
/// what the anchor would pay to read it all from its cache.
fn switch_cost(context: u64, warm: u64, candidate: &Rates, anchor: &Rates) -> f64 {
    let cold = context.saturating_sub(warm);
    usd(cold, candidate.input) + usd(warm, candidate.cached) - usd(context, anchor.cached)
}

/// What one turn cost (session cost accounting, spec §4.4): the prompt read from the cache at
/// the cached rate, the rest of the prompt — cache writes included — at the input rate, and the
/// output at the output rate.
///
/// `usage` is in OpenAI's convention (`plano_translate::Usage`: `input_tokens` counts every
/// prompt token, `cached_input_tokens` the cache reads among them), so uncached = `input −
/// cached` covers both shapes: OpenAI's `prompt − cached`, and Anthropic's `input_tokens +
/// cache_creation_input_tokens` (what `Usage::from_anthropic` added to the reads).
pub(crate) fn turn_cost(usage: &Usage, rates: &Rates) -> f64 {
    let cached = usage.cached_input_tokens.min(usage.input_tokens);
    let uncached = usage.input_tokens - cached;
    usd(uncached, rates.input) + usd(cached, rates.cached) + usd(usage.output_tokens, rates.output)
}

fn usd(tokens: u64, per_million: f64) -> f64 {
    tokens as f64 * per_million / PER_MILLION
}

/// The request's own context estimate: the bytes of every message's text, joined by `\n`,
/// divided by 4 (upstream's fallback when it has no tokenizer for the model).
pub(crate) fn estimate_tokens(conv: &Conversation) -> u64 {
    let text: usize = conv.turns.iter().map(|t| t.text.len()).sum();
    let separators = conv.turns.len().saturating_sub(1);
    ((text + separators) / 4) as u64
}

#[cfg(test)]
mod tests;
