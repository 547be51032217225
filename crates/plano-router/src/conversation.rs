//! A client request reduced to what routing looks at: who said what, in order, and which tools exist.
//!
//! Routing, affinity and the user-turn check all reason in OpenAI-chat roles, whatever API the client spoke, so
//! each client API has one small converter (`chat`, `anthropic`, `responses`). The converters read a
//! `serde_json::Value` rather than the typed wire structs on purpose: routing must never reject a request the
//! provider would accept, so unknown shapes yield fewer turns instead of an error. Only a body that is not a
//! JSON object, or a `messages` member that is not an array, is refused.

mod anthropic;
mod chat;
mod responses;
#[cfg(test)]
mod tests;

use plano_catalog::Api;
use serde_json::{Map, Value};

/// A message author, in OpenAI-chat terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    System,
    Developer,
    User,
    Assistant,
    /// A tool result (OpenAI `tool` message, Anthropic `tool_result`-only user turn, Responses
    /// `function_call_output`).
    Tool,
}

impl Role {
    /// The OpenAI-chat role string.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::Developer => "developer",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    pub role: Role,
    /// The concatenated text parts (no separator), `""` when there are none.
    pub text: String,
    /// The message carries a non-text part (image, audio, file, document…).
    pub has_non_text: bool,
}

impl Turn {
    pub fn new(role: Role, text: impl Into<String>) -> Turn {
        Turn {
            role,
            text: text.into(),
            has_non_text: false,
        }
    }
}

/// A request's messages in order, plus the names of the tools it declares (in declaration order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conversation {
    pub turns: Vec<Turn>,
    pub tool_names: Vec<String>,
}

impl Conversation {
    /// The text of every `system` and `developer` turn, joined by `"\n"` (`""` when there are none).
    pub fn system_text(&self) -> String {
        let parts: Vec<&str> = self
            .turns
            .iter()
            .filter(|t| matches!(t.role, Role::System | Role::Developer))
            .map(|t| t.text.as_str())
            .collect();
        parts.join("\n")
    }

    /// The first `user` turn's text.
    pub fn first_user_text(&self) -> Option<&str> {
        self.turns
            .iter()
            .find(|t| t.role == Role::User)
            .map(|t| t.text.as_str())
    }

    /// Whether the conversation ends with a real user turn (spec §4.7); see [`crate::user_turn`].
    pub fn is_user_turn(&self) -> bool {
        crate::user_turn::is_user_turn(self)
    }
}

/// Why a request body cannot be read as a conversation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConversationError {
    #[error("request body is not valid JSON: {0}")]
    NotJson(String),
    #[error("request body is not a JSON object")]
    NotAnObject,
    #[error("`{0}` must be an array")]
    NotAnArray(&'static str),
    #[error("{0} is not a client API; it cannot carry a conversation to route")]
    UnsupportedApi(&'static str),
}

/// Reads the conversation out of a client request body of the given API.
pub fn conversation(api: Api, body: &[u8]) -> Result<Conversation, ConversationError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ConversationError::NotJson(e.to_string()))?;
    let Value::Object(request) = value else {
        return Err(ConversationError::NotAnObject);
    };
    match api {
        Api::OpenAiChat => chat::conversation(&request),
        Api::AnthropicMessages => anthropic::conversation(&request),
        Api::OpenAiResponses => Ok(responses::conversation(&request)),
        Api::BedrockConverse => Err(ConversationError::UnsupportedApi(api.as_str())),
    }
}

// === shared helpers for the converters ===

/// The `messages` array; absent or `null` reads as empty.
fn messages(request: &Map<String, Value>) -> Result<&[Value], ConversationError> {
    match request.get("messages") {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(ConversationError::NotAnArray("messages")),
    }
}

/// `tools[]` names: each entry's `name`, else `function.name`, else `custom.name`; entries without one are
/// skipped (built-in tools such as `web_search`).
fn tool_names(request: &Map<String, Value>) -> Vec<String> {
    let Some(Value::Array(tools)) = request.get("tools") else {
        return Vec::new();
    };
    tools
        .iter()
        .filter_map(|tool| {
            str_at(tool, "name")
                .or_else(|| tool.get("function").and_then(|f| str_at(f, "name")))
                .or_else(|| tool.get("custom").and_then(|f| str_at(f, "name")))
        })
        .map(str::to_owned)
        .collect()
}

/// `value[key]` when it is a string.
fn str_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// The `type` of a content part or item (`""` when absent).
fn type_of(value: &Value) -> &str {
    str_at(value, "type").unwrap_or("")
}
