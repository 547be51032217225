//! The router model's prompt.
//!
//! The prompt is a wire contract: the router model was trained on one exact text, so each [`Flavor`] renders a
//! fixed template ([`orchestrator_v1`], [`arch_router`]) around two generated pieces — the route list and the
//! recent conversation. Which turns make it into the conversation, and how a long user message is shortened to
//! fit the router's context, is shared by both flavors ([`select`], [`trim`]).
//!
//! Unlike upstream, routes are rendered in the order the caller gives (config order), so the same request
//! always produces the same prompt.
//!
//! Strings are JSON-escaped the way `serde_json` does it: `"`, `\` and control characters are escaped, and
//! non-ASCII text is kept as UTF-8 (not `\u` escapes). Escaping would only cost the router tokens, and the
//! model reads UTF-8 fine.

pub mod arch_router;
pub mod orchestrator_v1;
pub mod select;
pub mod trim;

use serde::Serialize;

use crate::conversation::Conversation;
use crate::flavor::Flavor;

/// A flavor's fixed text around its two placeholders, `{routes}` and `{conversation}`.
pub(crate) struct Template {
    pub head: &'static str,
    pub middle: &'static str,
    pub tail: &'static str,
}

impl Template {
    /// Byte length of the template with its placeholders in place: what the budget walk charges
    /// before any turn.
    pub const fn len(&self) -> usize {
        self.head.len()
            + "{routes}".len()
            + self.middle.len()
            + "{conversation}".len()
            + self.tail.len()
    }

    /// The prompt: the template with `routes` and `conversation` put in place of the placeholders.
    pub fn fill(&self, routes: &str, conversation: &str) -> String {
        let mut out = String::with_capacity(self.len() + routes.len() + conversation.len());
        out.push_str(self.head);
        out.push_str(routes);
        out.push_str(self.middle);
        out.push_str(conversation);
        out.push_str(self.tail);
        out
    }
}

/// A route as the router model sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RouteDesc<'a> {
    pub name: &'a str,
    pub description: &'a str,
}

/// The full prompt for `flavor`: `routes` in the order given, and the conversation's recent user/assistant
/// turns fitted into `context_tokens` (estimated as bytes / 4).
pub fn build_prompt(
    flavor: Flavor,
    routes: &[RouteDesc<'_>],
    conv: &Conversation,
    context_tokens: usize,
) -> String {
    match flavor {
        Flavor::OrchestratorV1 => orchestrator_v1::render(routes, conv, context_tokens),
        Flavor::ArchRouter => arch_router::render(routes, conv, context_tokens),
    }
}

/// `s` as a JSON string literal, escaped as `serde_json` escapes it.
fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// `value` as JSON, compact.
fn compact_json<T: Serialize + ?Sized>(value: &T) -> String {
    // Serializing plain structs of strings cannot fail; an empty string would only ever hide a bug, never
    // panic the gateway.
    serde_json::to_string(value).unwrap_or_default()
}

/// `value` as JSON, pretty-printed with 4-space indentation.
fn pretty_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        serde_json::ser::PrettyFormatter::with_indent(b"    "),
    );
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escaping_keeps_utf8() {
        assert_eq!(json_string("a\"b\\c\n\t\u{1}"), r#""a\"b\\c\n\t\u0001""#);
        assert_eq!(json_string("é 日本 🎉 /"), "\"é 日本 🎉 /\"");
    }

    #[test]
    fn pretty_uses_four_spaces() {
        let routes = [RouteDesc {
            name: "a",
            description: "b",
        }];
        assert_eq!(
            pretty_json(&routes[..]),
            "[\n    {\n        \"name\": \"a\",\n        \"description\": \"b\"\n    }\n]"
        );
        assert_eq!(pretty_json(&[] as &[RouteDesc<'_>]), "[]");
        assert_eq!(
            compact_json(&routes[..]),
            r#"[{"name":"a","description":"b"}]"#
        );
    }
}
