//! OpenAI Chat Completions → conversation: `messages[]` is already in the right shape; only the content forms
//! (string or typed parts) need flattening.

use serde_json::{Map, Value};

use super::{Conversation, ConversationError, Role, Turn, messages, str_at, tool_names, type_of};

pub(super) fn conversation(
    request: &Map<String, Value>,
) -> Result<Conversation, ConversationError> {
    let turns = messages(request)?.iter().filter_map(turn).collect();
    Ok(Conversation {
        turns,
        tool_names: tool_names(request),
    })
}

fn turn(message: &Value) -> Option<Turn> {
    let role = match str_at(message, "role")? {
        "system" => Role::System,
        "developer" => Role::Developer,
        "user" => Role::User,
        "assistant" => Role::Assistant,
        // `function` is the pre-`tool` name of a tool result message.
        "tool" | "function" => Role::Tool,
        _ => return None,
    };
    let mut turn = Turn::new(role, "");
    match message.get("content") {
        Some(Value::String(text)) => turn.text.clone_from(text),
        Some(Value::Array(parts)) => {
            for part in parts {
                match type_of(part) {
                    "text" | "input_text" => turn.text.push_str(str_at(part, "text").unwrap_or("")),
                    _ => turn.has_non_text = true,
                }
            }
        }
        // `null` (assistant turns that only call tools) or absent.
        _ => {}
    }
    Some(turn)
}
