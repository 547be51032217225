//! Anthropic Messages → conversation.
//!
//! The differences from OpenAI chat that matter here: the system prompt is a top-level member, and tool results
//! travel inside `user` messages as `tool_result` blocks. A user message made only of tool results is the
//! client handing back tool output — a `tool` turn in OpenAI terms — while one that also carries text is the
//! user speaking (and counts as a user turn, with just that text).

use serde_json::{Map, Value};

use super::{Conversation, ConversationError, Role, Turn, messages, str_at, tool_names, type_of};

pub(super) fn conversation(
    request: &Map<String, Value>,
) -> Result<Conversation, ConversationError> {
    let mut turns = Vec::new();
    match request.get("system") {
        Some(Value::String(text)) => turns.push(Turn::new(Role::System, text.as_str())),
        Some(Value::Array(blocks)) => turns.push(Turn::new(Role::System, text_of_blocks(blocks))),
        _ => {}
    }
    turns.extend(messages(request)?.iter().filter_map(turn));
    Ok(Conversation {
        turns,
        tool_names: tool_names(request),
    })
}

fn turn(message: &Value) -> Option<Turn> {
    let role = match str_at(message, "role")? {
        "user" => Role::User,
        "assistant" => Role::Assistant,
        _ => return None,
    };
    let blocks = match message.get("content") {
        Some(Value::String(text)) => return Some(Turn::new(role, text.as_str())),
        Some(Value::Array(blocks)) => blocks,
        _ => return Some(Turn::new(role, "")),
    };
    let mut turn = Turn::new(role, "");
    let mut tool_output = String::new();
    let mut tool_results = 0usize;
    for block in blocks {
        match type_of(block) {
            "text" => turn.text.push_str(str_at(block, "text").unwrap_or("")),
            "image" | "document" => turn.has_non_text = true,
            "tool_result" => {
                tool_results += 1;
                match block.get("content") {
                    Some(Value::String(text)) => tool_output.push_str(text),
                    Some(Value::Array(inner)) => tool_output.push_str(&text_of_blocks(inner)),
                    _ => {}
                }
            }
            // tool_use, thinking, redacted_thinking, server tool blocks…: no text for routing.
            _ => {}
        }
    }
    if role == Role::User && tool_results > 0 && tool_results == blocks.len() {
        return Some(Turn::new(Role::Tool, tool_output));
    }
    Some(turn)
}

/// The `text` blocks of a block list, concatenated.
fn text_of_blocks(blocks: &[Value]) -> String {
    blocks
        .iter()
        .filter(|b| type_of(b) == "text")
        .filter_map(|b| str_at(b, "text"))
        .collect()
}
