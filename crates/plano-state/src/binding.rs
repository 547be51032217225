//! The binding record: what the gateway remembers about one session between requests.
//!
//! A binding ties a session key to the model that last served it, so the session router can tell
//! whether the provider's prompt cache is still warm and whether a model change would throw that
//! cache away (spec §4.6 "Binding record"). Its serde JSON form is the value stored in Redis, so
//! every field added later must carry `#[serde(default)]` to keep reading records written by an
//! older gateway.

use serde::{Deserialize, Serialize};

/// How many models a binding remembers in [`Binding::history`].
pub const HISTORY_LIMIT: usize = 8;

/// One session's routing memory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Binding {
    /// Last dispatched model, as `provider/model`.
    pub anchor_model: String,
    /// The episode's first model (the one a budget never switches away from).
    pub default_model: String,
    /// The client's alias-resolved model: the session's "lane".
    pub requested_model: String,
    /// Routing preference that chose the anchor, when a router decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_name: Option<String>,
    /// Hash of tenant, system text and tool names when the binding was written; a different hash
    /// on a later request means the cached prefix drifted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_hash: Option<u64>,
    /// When the session was last dispatched, in epoch seconds.
    pub last_used: u64,
    /// Context size in tokens: the request's estimate when the binding is written, replaced by
    /// the provider's reported prompt size after the response.
    #[serde(default)]
    pub cached_tokens: u64,
    /// The episode's never-switch baseline in USD: what reading the context from the cache of
    /// `default_model` has cost over the episode's warm turns. A routing budget caps switch
    /// spending at a percentage of it (spec §4.8).
    #[serde(default)]
    pub baseline_usd: f64,
    /// USD spent on paid model switches in the episode (re-reading the context uncached).
    /// Only ever grows within an episode: a cheaper switch is free but refunds nothing.
    #[serde(default)]
    pub switch_spend_usd: f64,
    /// Model switches in the current episode.
    #[serde(default)]
    pub switches: u32,
    /// Recently used models, newest first, at most [`HISTORY_LIMIT`].
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// What the session's turns have cost in USD so far, priced from the provider's reported
    /// usage after each response (when a cost table knows the model). Kept across episodes.
    #[serde(default)]
    pub session_cost_usd: f64,
}

/// One model a session used recently, and how warm its cache may be.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// `provider/model`.
    pub model: String,
    /// When the session last used this model, in epoch seconds.
    pub last_used: u64,
    /// Tokens that model has cached for this session: the request's estimate, then the real
    /// prompt size once the response reported it.
    #[serde(default)]
    pub cached_tokens: u64,
}

impl Binding {
    /// Records that `model` served the session at `now` with `cached_tokens` of context.
    ///
    /// The model's entry is updated (or added) and becomes the newest; the history stays sorted
    /// newest first and keeps only the [`HISTORY_LIMIT`] most recently used models.
    pub fn touch_history(&mut self, model: &str, now: u64, cached_tokens: u64) {
        let entry = match self.history.iter().position(|e| e.model == model) {
            Some(i) => {
                let mut entry = self.history.remove(i);
                entry.last_used = now;
                entry.cached_tokens = cached_tokens;
                entry
            }
            None => HistoryEntry {
                model: model.to_owned(),
                last_used: now,
                cached_tokens,
            },
        };
        // Inserting first and sorting stably keeps the touched entry ahead of others with the
        // same timestamp, so it is never the one truncated.
        self.history.insert(0, entry);
        self.history.sort_by_key(|e| std::cmp::Reverse(e.last_used));
        self.history.truncate(HISTORY_LIMIT);
    }

    /// The history entry for `model`, if the session used it recently.
    pub fn history_entry(&self, model: &str) -> Option<&HistoryEntry> {
        self.history.iter().find(|e| e.model == model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding() -> Binding {
        Binding {
            anchor_model: "openai/gpt-4o".into(),
            default_model: "openai/gpt-4o".into(),
            requested_model: "fast".into(),
            last_used: 100,
            ..Binding::default()
        }
    }

    #[test]
    fn json_round_trip_omits_absent_options() {
        let mut b = binding();
        b.touch_history("openai/gpt-4o", 100, 1200);
        let json = serde_json::to_string(&b).unwrap();
        assert!(!json.contains("route_name"), "{json}");
        assert!(!json.contains("prefix_hash"), "{json}");
        let back: Binding = serde_json::from_str(&json).unwrap();
        assert_eq!(back, b);

        b.route_name = Some("code".into());
        b.prefix_hash = Some(u64::MAX);
        let back: Binding = serde_json::from_str(&serde_json::to_string(&b).unwrap()).unwrap();
        assert_eq!(back, b);
    }

    #[test]
    fn reads_minimal_and_unknown_fields() {
        // A record from a gateway that knew fewer fields, or more.
        let json = r#"{"anchor_model":"a/x","default_model":"a/x","requested_model":"x",
                       "last_used":7,"some_later_field":[1]}"#;
        let b: Binding = serde_json::from_str(json).unwrap();
        assert_eq!(b.last_used, 7);
        assert_eq!(b.switches, 0);
        assert_eq!((b.baseline_usd, b.switch_spend_usd), (0.0, 0.0));
        assert_eq!(b.session_cost_usd, 0.0);
        assert!(b.history.is_empty());
        // Upstream's records carry the session's cost.
        let json = r#"{"anchor_model":"a/x","default_model":"a/x","requested_model":"x",
                       "last_used":7,"session_cost_usd":0.5}"#;
        let b: Binding = serde_json::from_str(json).unwrap();
        assert_eq!(b.session_cost_usd, 0.5);
    }

    #[test]
    fn budget_totals_round_trip() {
        let mut b = binding();
        b.baseline_usd = 0.03;
        b.switch_spend_usd = 0.0015;
        let json = serde_json::to_string(&b).unwrap();
        assert!(json.contains(r#""baseline_usd":0.03"#), "{json}");
        let back: Binding = serde_json::from_str(&json).unwrap();
        assert_eq!(back, b);
    }

    #[test]
    fn touch_updates_existing_entry_and_moves_it_first() {
        let mut b = binding();
        b.touch_history("a/1", 10, 100);
        b.touch_history("a/2", 20, 200);
        b.touch_history("a/1", 30, 300);
        let models: Vec<_> = b.history.iter().map(|e| e.model.as_str()).collect();
        assert_eq!(models, ["a/1", "a/2"]);
        assert_eq!(b.history_entry("a/1").unwrap().cached_tokens, 300);
        assert_eq!(b.history_entry("a/1").unwrap().last_used, 30);
    }

    #[test]
    fn touch_keeps_the_newest_eight() {
        let mut b = binding();
        for i in 0..12u64 {
            b.touch_history(&format!("a/{i}"), i, i);
        }
        assert_eq!(b.history.len(), HISTORY_LIMIT);
        let models: Vec<_> = b.history.iter().map(|e| e.model.clone()).collect();
        let expected: Vec<_> = (4..12u64).rev().map(|i| format!("a/{i}")).collect();
        assert_eq!(models, expected);
    }

    #[test]
    fn touched_entry_survives_a_timestamp_tie() {
        let mut b = binding();
        for i in 0..HISTORY_LIMIT {
            b.touch_history(&format!("a/{i}"), 50, 0);
        }
        b.touch_history("a/new", 50, 0);
        assert_eq!(b.history.len(), HISTORY_LIMIT);
        assert_eq!(b.history[0].model, "a/new");
    }
}
