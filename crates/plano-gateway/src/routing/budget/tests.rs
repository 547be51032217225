//! Every verdict of [`rule`] with numbers worked out by hand.
//!
//! Prices (USD per million tokens): `a/anchor` input 3.0, cached 0.3 (published);
//! `b/pricey` input 5.0, cached 0.5; `c/cheap` input 0.1, no cached rate (0.1 × discount 0.1 =
//! 0.01); `d/unpriced` is not in the table. The binding carries a 100 000-token context, so:
//! - each warm turn on default `a/anchor` adds 0.1 M × 0.3 = $0.03 to the baseline;
//! - a cold switch to `b/pricey` costs 0.1 M × 5.0 − 0.1 M × 0.3 = 0.50 − 0.03 = $0.47;
//! - a switch to `c/cheap` costs 0.1 M × 0.1 − 0.03 = 0.01 − 0.03 = −$0.02 (free).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use http::{HeaderMap, HeaderValue};
use plano_router::{Conversation, Role, Turn, ranking::ModelCost};
use plano_state::Binding;
use plano_translate::Usage;

use super::*;

const NOW: u64 = 10_000;
const CONTEXT: u64 = 100_000;

fn prices(model: &str) -> Option<Rates> {
    let cost = |input, output, cache_read| ModelCost {
        input,
        output,
        cache_read,
    };
    let c = match model {
        "a/anchor" => cost(3.0, 15.0, Some(0.3)),
        "b/pricey" => cost(5.0, 15.0, Some(0.5)),
        "c/cheap" => cost(0.1, 0.4, None),
        _ => return None,
    };
    Some(Rates::new(&c, 0.1))
}

fn budget(pct: f64) -> Budget {
    Budget {
        max_switch_spend_pct: pct,
        replenish_on_rebind: true,
        cache_read_discount: 0.1,
        record_counterfactual: false,
    }
}

/// A warm session on `a/anchor` with the given totals, last used 30 s ago.
fn warm(baseline: f64, spend: f64) -> Binding {
    let mut b = Binding {
        anchor_model: "a/anchor".into(),
        default_model: "a/anchor".into(),
        requested_model: "lane".into(),
        last_used: NOW - 30,
        cached_tokens: CONTEXT,
        baseline_usd: baseline,
        switch_spend_usd: spend,
        ..Binding::default()
    };
    b.touch_history("a/anchor", NOW - 30, CONTEXT);
    b
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[track_caller]
fn assert_usd(got: f64, want: f64) {
    assert!(close(got, want), "{got} != {want}");
}

#[test]
fn cached_rate_is_published_else_discounted_input() {
    let r = prices("a/anchor").unwrap();
    assert_eq!((r.input, r.output, r.cached), (3.0, 15.0, 0.3));
    let r = prices("c/cheap").unwrap();
    assert_usd(r.cached, 0.01);
}

#[test]
fn same_anchor_grows_the_baseline_and_spends_nothing() {
    let mut b = warm(1.0, 0.1);
    let r = rule(&mut b, Some(&budget(25.0)), &prices, NOW, "a/anchor", 0);
    assert_eq!(r.reason, SwitchReason::SameAnchor);
    assert!(!r.retained());
    assert_usd(b.baseline_usd, 1.03);
    assert_usd(b.switch_spend_usd, 0.1);
    assert_eq!(b.switches, 0);
    assert_eq!(r.cost_usd, None);
}

#[test]
fn paid_switch_within_the_cap_is_allowed_and_spent() {
    // Baseline 2.00 + 0.03 = 2.03; 25 % of it = 0.5075 ≥ 0.47.
    let mut b = warm(2.0, 0.0);
    let r = rule(&mut b, Some(&budget(25.0)), &prices, NOW, "b/pricey", 0);
    assert_eq!(r.reason, SwitchReason::WithinCap);
    assert_usd(r.cost_usd.unwrap(), 0.47);
    assert_usd(r.ceiling_usd.unwrap(), 0.5075);
    assert_usd(b.baseline_usd, 2.03);
    assert_usd(b.switch_spend_usd, 0.47);
    assert_eq!(b.switches, 1);
}

#[test]
fn paid_switch_over_the_cap_retains_the_anchor() {
    // Baseline 1.00 + 0.03 = 1.03; 25 % of it = 0.2575 < 0.47.
    let mut b = warm(1.0, 0.0);
    let r = rule(&mut b, Some(&budget(25.0)), &prices, NOW, "b/pricey", 0);
    assert_eq!(r.reason, SwitchReason::OverCap);
    assert!(r.retained());
    assert_usd(r.ceiling_usd.unwrap(), 0.2575);
    assert_usd(b.baseline_usd, 1.03);
    assert_usd(b.switch_spend_usd, 0.0);
    assert_eq!(b.switches, 0);
}

#[test]
fn the_cap_counts_earlier_spending() {
    // Same 0.5075 ceiling as the within-cap case, but 0.10 already spent: 0.57 > 0.5075.
    let mut b = warm(2.0, 0.1);
    let r = rule(&mut b, Some(&budget(25.0)), &prices, NOW, "b/pricey", 0);
    assert_eq!(r.reason, SwitchReason::OverCap);
    assert_usd(b.switch_spend_usd, 0.1);
}

#[test]
fn the_first_warm_switch_of_an_episode_is_vetoed_by_a_small_cap() {
    // Baseline 0 + 0.03; 5 % of it = 0.0015, far below 0.47 (spec §4.8 note).
    let mut b = warm(0.0, 0.0);
    let r = rule(&mut b, Some(&budget(5.0)), &prices, NOW, "b/pricey", 0);
    assert_eq!(r.reason, SwitchReason::OverCap);
    assert_usd(r.ceiling_usd.unwrap(), 0.0015);
    // The whole baseline is allowed at 100 %, still not enough.
    let mut b = warm(0.0, 0.0);
    let r = rule(&mut b, Some(&budget(100.0)), &prices, NOW, "b/pricey", 0);
    assert_eq!(r.reason, SwitchReason::OverCap);
}

#[test]
fn a_cheaper_switch_is_free_and_refunds_nothing() {
    let mut b = warm(1.0, 0.1);
    let r = rule(&mut b, Some(&budget(0.0)), &prices, NOW, "c/cheap", 0);
    assert_eq!(r.reason, SwitchReason::Free);
    assert_usd(r.cost_usd.unwrap(), -0.02);
    assert_usd(b.switch_spend_usd, 0.1);
    assert_eq!(b.switches, 1);
}

#[test]
fn a_zero_cost_switch_is_free_even_at_zero_percent() {
    // Candidate input 0.3 = anchor's cached 0.3: 0.03 − 0.03 = 0.
    let flat = |m: &str| match m {
        "e/flat" => Some(Rates {
            input: 0.3,
            output: 1.0,
            cached: 0.03,
        }),
        m => prices(m),
    };
    let mut b = warm(0.0, 0.0);
    let r = rule(&mut b, Some(&budget(0.0)), &flat, NOW, "e/flat", 0);
    assert_eq!(r.reason, SwitchReason::Free);
    assert_usd(r.cost_usd.unwrap(), 0.0);
}

#[test]
fn missing_prices_allow_the_switch() {
    let mut b = warm(1.0, 0.0);
    let r = rule(&mut b, Some(&budget(5.0)), &prices, NOW, "d/unpriced", 0);
    assert_eq!(r.reason, SwitchReason::NoPricing);
    assert_eq!(r.cost_usd, None);
    assert_eq!(b.switches, 1);
    assert_usd(b.switch_spend_usd, 0.0);
    assert_usd(b.baseline_usd, 1.03);

    // An unpriced anchor (and default): no baseline growth, no verdict on the price.
    let mut b = warm(1.0, 0.0);
    b.anchor_model = "d/unpriced".into();
    b.default_model = "d/unpriced".into();
    let r = rule(&mut b, Some(&budget(5.0)), &prices, NOW, "b/pricey", 0);
    assert_eq!(r.reason, SwitchReason::NoPricing);
    assert_usd(b.baseline_usd, 1.0);

    // No cost table at all (a header-only budget without a cost source).
    let mut b = warm(1.0, 0.0);
    let r = rule(&mut b, Some(&budget(5.0)), &|_| None, NOW, "b/pricey", 0);
    assert_eq!(r.reason, SwitchReason::NoPricing);
}

#[test]
fn the_baseline_is_priced_on_the_default_model_not_the_anchor() {
    // An episode that began on c/cheap and already moved to a/anchor: growth 0.1 M × 0.01.
    let mut b = warm(0.0, 0.0);
    b.default_model = "c/cheap".into();
    rule(&mut b, Some(&budget(5.0)), &prices, NOW, "a/anchor", 0);
    assert_usd(b.baseline_usd, 0.001);
    // A binding from before default models: its anchor.
    let mut b = warm(0.0, 0.0);
    b.default_model.clear();
    rule(&mut b, Some(&budget(5.0)), &prices, NOW, "a/anchor", 0);
    assert_usd(b.baseline_usd, 0.03);
}

#[test]
fn without_a_binding_estimate_the_request_counts() {
    // 200 000 request tokens: growth 0.2 M × 0.3 = 0.06; switch 0.2 M × (5.0 − 0.3) = 0.94.
    let mut b = warm(0.0, 0.0);
    b.cached_tokens = 0;
    let r = rule(
        &mut b,
        Some(&budget(5.0)),
        &prices,
        NOW,
        "b/pricey",
        200_000,
    );
    assert_eq!(r.context_tokens, 200_000);
    assert_usd(b.baseline_usd, 0.06);
    assert_usd(r.cost_usd.unwrap(), 0.94);
    // The binding's count wins when it has one.
    let mut b = warm(0.0, 0.0);
    let r = rule(
        &mut b,
        Some(&budget(5.0)),
        &prices,
        NOW,
        "b/pricey",
        200_000,
    );
    assert_eq!(r.context_tokens, CONTEXT);
}

#[test]
fn a_return_to_a_warm_model_pays_only_for_what_it_lacks() {
    // b/pricey served 80 000 tokens 100 s ago: 0.02 M × 5.0 + 0.08 M × 0.5 − 0.03
    // = 0.10 + 0.04 − 0.03 = 0.11 ≤ 0.2575 (25 % of 1.03).
    let mut b = warm(1.0, 0.0);
    b.touch_history("b/pricey", NOW - 100, 80_000);
    let r = rule(&mut b, Some(&budget(25.0)), &prices, NOW, "b/pricey", 0);
    assert_eq!(r.candidate_warm_tokens, 80_000);
    assert_usd(r.cost_usd.unwrap(), 0.11);
    assert_eq!(r.reason, SwitchReason::WithinCap);
    assert_usd(b.switch_spend_usd, 0.11);

    // More cached than the context: capped at the context (0.1 M × 0.5 − 0.03 = 0.02).
    let mut b = warm(1.0, 0.0);
    b.touch_history("b/pricey", NOW - 100, 150_000);
    let r = rule(&mut b, Some(&budget(25.0)), &prices, NOW, "b/pricey", 0);
    assert_eq!(r.candidate_warm_tokens, CONTEXT);
    assert_usd(r.cost_usd.unwrap(), 0.02);

    // Used 301 s ago: its cache is cold, the full 0.47 applies.
    let mut b = warm(1.0, 0.0);
    b.touch_history("b/pricey", NOW - 301, 80_000);
    let r = rule(&mut b, Some(&budget(25.0)), &prices, NOW, "b/pricey", 0);
    assert_eq!(r.candidate_warm_tokens, 0);
    assert_usd(r.cost_usd.unwrap(), 0.47);
    assert_eq!(r.reason, SwitchReason::OverCap);
}

#[test]
fn without_a_budget_the_session_follows_the_router() {
    let mut b = warm(1.0, 0.0);
    let r = rule(&mut b, None, &prices, NOW, "a/anchor", 0);
    assert_eq!(r.reason, SwitchReason::SameAnchor);
    let r = rule(&mut b, None, &prices, NOW, "b/pricey", 0);
    assert_eq!(r.reason, SwitchReason::Free);
    assert_eq!(b.switches, 1);
    assert_usd(b.baseline_usd, 1.0);
}

#[test]
fn reasons_map_to_decisions() {
    use SwitchReason::*;
    for (reason, label, decision) in [
        (SameAnchor, "same_anchor", "allowed"),
        (Free, "free", "allowed"),
        (WithinCap, "within_cap", "allowed"),
        (OverCap, "over_cap", "retained"),
        (NoPricing, "no_pricing", "allowed"),
    ] {
        assert_eq!((reason.label(), reason.decision()), (label, decision));
    }
}

fn headers(pct: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        &X_PLANO_MAX_SWITCH_SPEND_PCT,
        HeaderValue::from_str(pct).unwrap(),
    );
    h
}

#[test]
fn the_header_sets_or_overrides_the_percentage() {
    let configured = Budget {
        max_switch_spend_pct: 20.0,
        replenish_on_rebind: false,
        cache_read_discount: 0.5,
        record_counterfactual: true,
    };
    assert_eq!(Budget::for_request(None, &HeaderMap::new()), None);
    assert_eq!(
        Budget::for_request(Some(&configured), &HeaderMap::new()),
        Some(configured)
    );
    assert_eq!(
        Budget::for_request(Some(&configured), &headers(" 7.5 ")),
        Some(Budget {
            max_switch_spend_pct: 7.5,
            ..configured
        })
    );
    assert_eq!(
        Budget::for_request(None, &headers("30")),
        Some(Budget {
            max_switch_spend_pct: 30.0,
            replenish_on_rebind: true,
            cache_read_discount: 0.1,
            record_counterfactual: false,
        })
    );
    for edge in ["0", "100"] {
        assert!(
            Budget::for_request(None, &headers(edge)).is_some(),
            "{edge}"
        );
    }
}

#[test]
fn an_invalid_header_is_ignored() {
    let configured = budget(20.0);
    for bad in ["150", "-1", "abc", "", "NaN", "inf", "100.5"] {
        assert_eq!(Budget::for_request(None, &headers(bad)), None, "{bad}");
        assert_eq!(
            Budget::for_request(Some(&configured), &headers(bad)),
            Some(configured),
            "{bad}"
        );
    }
}

#[test]
fn request_estimate_is_a_quarter_of_the_joined_text() {
    let conv = Conversation {
        turns: vec![
            Turn::new(Role::System, "abcdef"),
            Turn::new(Role::User, "ghijklm"),
            Turn::new(Role::Assistant, ""),
        ],
        tool_names: Vec::new(),
    };
    // 6 + 7 + 0 bytes + 2 separators = 15 → 3.
    assert_eq!(estimate_tokens(&conv), 3);
    assert_eq!(estimate_tokens(&Conversation::default()), 0);
}

#[test]
fn a_turn_costs_its_uncached_cached_and_output_tokens() {
    let anchor = prices("a/anchor").unwrap();
    // OpenAI: prompt 1117 of which 1024 cached → 93 × 3.0 + 1024 × 0.3 + 46 × 15.0.
    let openai = Usage::from_openai(1117, 46, 1024);
    assert_usd(turn_cost(&openai, &anchor), (279.0 + 307.2 + 690.0) / 1e6);
    // Anthropic: input_tokens 12 and cache writes 20 at the input rate, reads 100 at the
    // cached rate → 32 × 3.0 + 100 × 0.3 + 6 × 15.0.
    let anthropic = Usage::from_anthropic(12, 6, 100, 20);
    assert_usd(turn_cost(&anthropic, &anchor), (96.0 + 30.0 + 90.0) / 1e6);
    // No published cached rate: input × discount (0.1 × 0.1).
    let cheap = prices("c/cheap").unwrap();
    let u = Usage::from_openai(1_000_000, 0, 400_000);
    assert_usd(turn_cost(&u, &cheap), 0.6 * 0.1 + 0.4 * 0.01);
    // Nothing used, nothing spent; a provider claiming more cached than prompt is capped.
    assert_usd(turn_cost(&Usage::default(), &anchor), 0.0);
    assert_usd(
        turn_cost(&Usage::from_openai(10, 0, 50), &anchor),
        10.0 * 0.3 / 1e6,
    );
}
