//! The Plano-Orchestrator v1 prompt (spec §4.3), byte for byte.
//!
//! The text is the model's training format, reproduced from our spec — including its leading newline and the
//! doubled braces on the example answer line, which the deployed models have always seen literally.

use super::select::select;
use super::{RouteDesc, Template, json_string, pretty_json};
use crate::conversation::Conversation;

const HEAD: &str = "
You are a helpful assistant that selects the most suitable routes based on user intent.
You are provided with a list of available routes enclosed within <routes></routes> XML tags:
<routes>
";
const MIDDLE: &str = "
</routes>

You are also given the conversation context enclosed within <conversation></conversation> XML tags:
<conversation>
";
const TAIL: &str = r#"
</conversation>

## Instructions
1. Analyze the latest user intent from the conversation.
2. Compare it against the available routes to find which routes can help fulfill the request.
3. Respond only with the exact route names from <routes>.
4. If no routes can help or the intent is already fulfilled, return an empty list.

## Response Format
Return your answer strictly in JSON as follows:
{{"route": ["route_name_1", "route_name_2", "..."]}}
If no routes are needed, return an empty list for `route`.
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
    let routes = routes.iter().map(route_line).collect::<Vec<_>>().join("\n");
    let conversation = pretty_json(&select(conv, TEMPLATE_LEN, context_tokens));
    TEMPLATE.fill(&routes, &conversation)
}

/// One route as a tool-like JSON object with Python-style separators (`", "`, `": "`).
fn route_line(route: &RouteDesc<'_>) -> String {
    format!(
        r#"{{"name": {}, "description": {}, "parameters": {{"type": "object", "properties": {{}}, "required": []}}}}"#,
        json_string(route.name),
        json_string(route.description)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_length_is_pinned() {
        // A change here changes which conversations get trimmed; it must be deliberate.
        assert_eq!(TEMPLATE_LEN, 846);
    }

    #[test]
    fn route_line_shape() {
        assert_eq!(
            route_line(&RouteDesc {
                name: "code \"gen\"",
                description: "écrire du code",
            }),
            r#"{"name": "code \"gen\"", "description": "écrire du code", "parameters": {"type": "object", "properties": {}, "required": []}}"#
        );
    }
}
