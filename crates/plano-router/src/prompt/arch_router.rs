//! A prompt for the legacy Arch-Router family (spec §4.11).
//!
//! Upstream dropped this format when it moved to Plano-Orchestrator, but Arch-Router-1.5B is still the small
//! model its docs suggest self-hosting, and it answers with a single route string. The wording below is ours
//! (not upstream's historical text); it keeps the shape that model family expects: the routes as one compact
//! JSON array of `{"name","description"}`, the conversation as JSON, and an answer of exactly
//! `{"route": "<route name>"}` or `{"route": "other"}`. The conversation is compact JSON too: the default
//! budget is only 2048 tokens, and indentation would spend it on whitespace.

use super::select::select;
use super::{RouteDesc, Template, compact_json};
use crate::conversation::Conversation;

const HEAD: &str = "You route a conversation to the single best-matching route.

Available routes, as a JSON list of objects with a name and a description:
<routes>
";
const MIDDLE: &str = "
</routes>

The conversation so far, as a JSON list of messages, oldest first:
<conversation>
";
const TAIL: &str = r#"
</conversation>

Find the route whose description best matches the intent of the latest user message, using earlier messages only as context.
Answer with JSON only, exactly in this form: {"route": "<route name>"}
If no route matches, answer: {"route": "other"}
"#;

const TEMPLATE: Template = Template {
    head: HEAD,
    middle: MIDDLE,
    tail: TAIL,
};

/// Byte length of the template with its placeholders, charged against the context budget.
pub const TEMPLATE_LEN: usize = TEMPLATE.len();

pub(super) fn render(
    routes: &[RouteDesc<'_>],
    conv: &Conversation,
    context_tokens: usize,
) -> String {
    let routes = compact_json(routes);
    let conversation = compact_json(&select(conv, TEMPLATE_LEN, context_tokens));
    TEMPLATE.fill(&routes, &conversation)
}
