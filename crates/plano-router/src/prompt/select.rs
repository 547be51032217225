//! Which turns the router sees (spec §4.3, steps 1–6).
//!
//! The router decides on the latest user intent, so it gets the most recent user and assistant text that fits
//! its context — newest first, because the newest turn matters most and must survive any budget. System
//! prompts, tool traffic and text-less turns carry no intent and are left out.
//!
//! Token counts are estimated as `bytes / 4` (rounded down) — no tokenizer, deliberately: the router prompt is
//! built on every request and the estimate only has to keep it comfortably inside the router's window. The
//! fixed part of the prompt is charged first, as `template_len / 4`, where `template_len` is the byte length of
//! the flavor's template text *with its placeholders* (`{routes}`, `{conversation}`) — the route list itself is
//! not charged, as in upstream.

use std::borrow::Cow;

use serde::Serialize;

use super::trim::middle_trim;
use crate::conversation::{Conversation, Role};

/// At most this many turns are considered (`MAX_ROUTING_TURNS`).
pub const MAX_TURNS: usize = 16;

/// One message as serialized into the prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PromptMessage<'a> {
    pub role: &'static str,
    pub content: Cow<'a, str>,
}

/// The turns to show the router, in chronological order.
///
/// 1. Keep `user` and `assistant` turns with non-empty text.
/// 2. Of those, keep the last [`MAX_TURNS`].
/// 3. Walk them newest → oldest, adding `len / 4` each to a running total that starts at `template_len / 4`.
///    The first turn that would take the total past `context_tokens` ends the walk: a user turn is still
///    included, [middle-trimmed](middle_trim) to the remaining allowance (`remaining tokens × 4` bytes), if any
///    budget remains; an assistant turn is dropped.
/// 4. If that selected nothing, the newest turn alone, untrimmed.
pub fn select(
    conv: &Conversation,
    template_len: usize,
    context_tokens: usize,
) -> Vec<PromptMessage<'_>> {
    let eligible: Vec<_> = conv
        .turns
        .iter()
        .filter(|t| matches!(t.role, Role::User | Role::Assistant) && !t.text.is_empty())
        .collect();
    let recent = &eligible[eligible.len().saturating_sub(MAX_TURNS)..];

    let mut used = template_len / 4;
    let mut picked = Vec::new();
    for turn in recent.iter().rev() {
        let cost = turn.text.len() / 4;
        if used + cost > context_tokens {
            let remaining = context_tokens.saturating_sub(used);
            if turn.role == Role::User && remaining > 0 {
                let allowance = remaining.saturating_mul(4);
                picked.push(PromptMessage {
                    role: turn.role.as_str(),
                    content: Cow::Owned(middle_trim(&turn.text, allowance)),
                });
            }
            break;
        }
        used += cost;
        picked.push(PromptMessage {
            role: turn.role.as_str(),
            content: Cow::Borrowed(&turn.text),
        });
    }
    if picked.is_empty()
        && let Some(last) = recent.last()
    {
        picked.push(PromptMessage {
            role: last.role.as_str(),
            content: Cow::Borrowed(&last.text),
        });
    }
    picked.reverse();
    picked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::Turn;

    fn conv(turns: &[(Role, &str)]) -> Conversation {
        Conversation {
            turns: turns.iter().map(|&(r, t)| Turn::new(r, t)).collect(),
            tool_names: vec![],
        }
    }

    fn shown(msgs: &[PromptMessage<'_>]) -> Vec<(&'static str, String)> {
        msgs.iter()
            .map(|m| (m.role, m.content.to_string()))
            .collect()
    }

    #[test]
    fn drops_non_conversational_turns() {
        let c = conv(&[
            (Role::System, "sys"),
            (Role::Developer, "dev"),
            (Role::User, "q"),
            (Role::Assistant, ""),
            (Role::Tool, "out"),
            (Role::Assistant, "a"),
            (Role::User, ""),
        ]);
        assert_eq!(
            shown(&select(&c, 0, 1000)),
            vec![("user", "q".into()), ("assistant", "a".into())]
        );
    }

    #[test]
    fn keeps_last_sixteen() {
        let texts: Vec<String> = (0..20).map(|i| format!("m{i}")).collect();
        let turns: Vec<(Role, &str)> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    if i % 2 == 0 {
                        Role::User
                    } else {
                        Role::Assistant
                    },
                    t.as_str(),
                )
            })
            .collect();
        let c = conv(&turns);
        let got = select(&c, 0, 100_000);
        assert_eq!(got.len(), 16);
        assert_eq!(got[0].content, "m4");
        assert_eq!(got[15].content, "m19");
    }

    #[test]
    fn budget_trims_overflowing_user_and_stops() {
        let old = "o".repeat(400); // 100 tokens
        let long = "x".repeat(200) + &"y".repeat(200); // 100 tokens
        let c = conv(&[
            (Role::User, &old),
            (Role::Assistant, "12345678"), // 2 tokens
            (Role::User, &long),
        ]);
        // template 40 bytes → 10 tokens; budget 60 → the newest user message (100) overflows with 50 left.
        let got = select(&c, 40, 60);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].role, "user");
        assert_eq!(got[0].content.len(), 200);
        // 197 content bytes: 118 head, 79 tail.
        assert_eq!(
            got[0].content,
            format!("{}…{}", "x".repeat(118), "y".repeat(79))
        );

        // Budget for the newest two but not the oldest: the oldest is trimmed into what is left.
        let got = select(&c, 40, 150);
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].content, "12345678");
        assert_eq!(got[2].content, long);
        // 150 − 10 − 100 − 2 = 38 tokens left → 152 bytes.
        assert_eq!(got[0].content.len(), 152);
        assert!(got[0].content.contains('…'));

        // Exactly at the budget is still in.
        let got = select(&c, 40, 212);
        assert_eq!(shown(&got)[0], ("user", old.clone()));
    }

    #[test]
    fn overflowing_assistant_is_dropped_and_walk_stops() {
        let big = "a".repeat(400);
        let c = conv(&[
            (Role::User, "first question"),
            (Role::Assistant, &big),
            (Role::User, "short"),
        ]);
        let got = select(&c, 0, 50);
        assert_eq!(shown(&got), vec![("user", "short".into())]);
    }

    #[test]
    fn nothing_fits_falls_back_to_last_untrimmed() {
        let long = "z".repeat(1000);
        let c = conv(&[(Role::User, "q"), (Role::Assistant, &long)]);
        // No budget left after the template: the newest turn alone, untrimmed.
        let got = select(&c, 4000, 100);
        assert_eq!(shown(&got), vec![("assistant", long.clone())]);
        // An assistant tail that overflows is dropped, then the fallback brings it back untrimmed.
        let got = select(&c, 0, 10);
        assert_eq!(shown(&got), vec![("assistant", long)]);
        assert!(select(&Conversation::default(), 0, 10).is_empty());
    }
}
