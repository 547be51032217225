//! OpenAI Responses → conversation.
//!
//! `instructions` is the system prompt; `input` is either one user string or a list of items, of which only
//! messages, tool calls and tool outputs say anything about the conversation (reasoning, built-in tool calls
//! and item references are skipped). Never an error: a malformed `input` just yields no turns.

use serde_json::{Map, Value};

use super::{Conversation, Role, Turn, str_at, tool_names, type_of};

pub(super) fn conversation(request: &Map<String, Value>) -> Conversation {
    let mut turns = Vec::new();
    if let Some(Value::String(instructions)) = request.get("instructions") {
        turns.push(Turn::new(Role::System, instructions.as_str()));
    }
    match request.get("input") {
        Some(Value::String(text)) => turns.push(Turn::new(Role::User, text.as_str())),
        Some(Value::Array(items)) => turns.extend(items.iter().filter_map(item)),
        _ => {}
    }
    Conversation {
        turns,
        tool_names: tool_names(request),
    }
}

fn item(item: &Value) -> Option<Turn> {
    match type_of(item) {
        "message" | "" => message(item),
        "function_call" | "custom_tool_call" => Some(Turn::new(Role::Assistant, "")),
        "function_call_output" | "custom_tool_call_output" => {
            let output = match item.get("output") {
                Some(Value::String(text)) => text.clone(),
                Some(Value::Array(parts)) => content_parts(parts).0,
                _ => String::new(),
            };
            Some(Turn::new(Role::Tool, output))
        }
        _ => None,
    }
}

fn message(item: &Value) -> Option<Turn> {
    let role = match str_at(item, "role")? {
        "system" => Role::System,
        "developer" => Role::Developer,
        "user" => Role::User,
        "assistant" => Role::Assistant,
        _ => return None,
    };
    let mut turn = Turn::new(role, "");
    match item.get("content") {
        Some(Value::String(text)) => turn.text.clone_from(text),
        Some(Value::Array(parts)) => (turn.text, turn.has_non_text) = content_parts(parts),
        _ => {}
    }
    Some(turn)
}

/// Text of `input_text`/`output_text`/`text` parts, and whether an image, file or audio part was seen.
fn content_parts(parts: &[Value]) -> (String, bool) {
    let mut text = String::new();
    let mut has_non_text = false;
    for part in parts {
        match type_of(part) {
            "input_text" | "output_text" | "text" => {
                text.push_str(str_at(part, "text").unwrap_or(""))
            }
            "input_image" | "input_file" | "input_audio" => has_non_text = true,
            // refusal, annotations-only parts…
            _ => {}
        }
    }
    (text, has_non_text)
}
