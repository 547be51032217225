//! Is the latest turn something the user actually said (spec §4.7)?
//!
//! Agentic clients send many requests per user prompt: every tool result goes back to the model as a new
//! request. With `route_on_user_only` the gateway re-routes only when the user spoke, and otherwise replays the
//! session's previous decision. Coding agents also inject machine text into user messages
//! (`<system-reminder>`, `<user-prompt-submit-hook>`), so a user message made only of such spans is not the user
//! speaking either.

use crate::conversation::{Conversation, Role};

/// Injected spans that do not count as user text, as (opening tag, closing tag).
const INJECTED: [(&str, &str); 2] = [
    ("<system-reminder>", "</system-reminder>"),
    ("<user-prompt-submit-hook>", "</user-prompt-submit-hook>"),
];

/// The last turn is a `user` turn with a non-text part, or with text left after [`strip_injected`] and trimming.
pub fn is_user_turn(conv: &Conversation) -> bool {
    match conv.turns.last() {
        Some(turn) if turn.role == Role::User => {
            turn.has_non_text || !strip_injected(&turn.text).trim().is_empty()
        }
        _ => false,
    }
}

/// `text` without any injected span (opening tag through closing tag). An opening tag that is never closed
/// removes the rest of the text.
pub fn strip_injected(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let earliest = INJECTED
            .iter()
            .filter_map(|&(open, close)| rest.find(open).map(|at| (at, open, close)))
            .min_by_key(|&(at, _, _)| at);
        let Some((at, open, close)) = earliest else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        let body = &rest[at + open.len()..];
        match body.find(close) {
            Some(end) => rest = &body[end + close.len()..],
            None => return out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::Turn;

    fn conv(turns: Vec<Turn>) -> Conversation {
        Conversation {
            turns,
            tool_names: Vec::new(),
        }
    }

    fn user(text: &str) -> Turn {
        Turn::new(Role::User, text)
    }

    #[test]
    fn strips_spans() {
        assert_eq!(
            strip_injected("a<system-reminder>x</system-reminder>b"),
            "ab"
        );
        assert_eq!(
            strip_injected(
                "<user-prompt-submit-hook>h</user-prompt-submit-hook> q <system-reminder>r</system-reminder>"
            ),
            " q "
        );
        assert_eq!(
            strip_injected("keep <system-reminder>never closed"),
            "keep "
        );
        // A closing tag of the other kind does not end a span.
        assert_eq!(
            strip_injected("<system-reminder>x</user-prompt-submit-hook>y"),
            ""
        );
        assert_eq!(
            strip_injected("plain </system-reminder>"),
            "plain </system-reminder>"
        );
    }

    #[test]
    fn user_turn_cases() {
        assert!(conv(vec![user("hi")]).is_user_turn());
        assert!(!conv(vec![]).is_user_turn());
        assert!(!conv(vec![user("   \n")]).is_user_turn());
        assert!(
            !conv(vec![user(
                "<system-reminder>todo list</system-reminder>\n "
            )])
            .is_user_turn()
        );
        assert!(
            conv(vec![user(
                "<system-reminder>r</system-reminder> fix the bug"
            )])
            .is_user_turn()
        );
        assert!(
            !conv(vec![user(
                "<user-prompt-submit-hook>unterminated fix the bug"
            )])
            .is_user_turn()
        );
        let mut image = user("");
        image.has_non_text = true;
        assert!(conv(vec![image]).is_user_turn());
        assert!(!conv(vec![user("q"), Turn::new(Role::Tool, "out")]).is_user_turn());
        assert!(!conv(vec![user("q"), Turn::new(Role::Assistant, "a")]).is_user_turn());
        assert!(!conv(vec![Turn::new(Role::System, "s")]).is_user_turn());
    }

    #[test]
    fn anthropic_tool_result_with_text_is_user_turn() {
        let body = br#"{"messages":[{"role":"user","content":[
            {"type":"tool_result","tool_use_id":"t","content":"x"},{"type":"text","text":"next"}]}]}"#;
        let c = crate::conversation(plano_catalog::Api::AnthropicMessages, body).unwrap();
        assert!(c.is_user_turn());
        let body = br#"{"messages":[{"role":"user","content":[
            {"type":"tool_result","tool_use_id":"t","content":"x"}]}]}"#;
        let c = crate::conversation(plano_catalog::Api::AnthropicMessages, body).unwrap();
        assert!(!c.is_user_turn());
    }
}
