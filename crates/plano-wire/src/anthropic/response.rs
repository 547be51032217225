//! The non-streaming Messages response (also the `message` of a stream's `message_start`) and usage.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ContentBlock, Role};
use crate::Nullable;
use crate::open_enum::open_enum;

/// A `message` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessagesResponse {
    #[serde(default)]
    pub id: String,
    #[serde(rename = "type", default = "message_type")]
    pub kind: String,
    #[serde(default = "assistant")]
    pub role: Role,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub content: Vec<ContentBlock>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::nullable::deserialize"
    )]
    pub stop_reason: Nullable<StopReason>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::nullable::deserialize"
    )]
    pub stop_sequence: Nullable<String>,
    #[serde(default)]
    pub usage: Usage,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn message_type() -> String {
    "message".to_owned()
}

fn assistant() -> Role {
    Role::Assistant
}

open_enum! {
    /// Why generation stopped.
    pub enum StopReason {
        EndTurn = "end_turn",
        MaxTokens = "max_tokens",
        StopSequence = "stop_sequence",
        ToolUse = "tool_use",
        PauseTurn = "pause_turn",
        Refusal = "refusal",
        ModelContextWindowExceeded = "model_context_window_exceeded",
    }
}

/// Token usage. Unlike OpenAI, `input_tokens` excludes tokens read from or written to the prompt cache.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub input_tokens: u64,
    #[serde(default)]
    pub output_tokens: u64,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::nullable::deserialize"
    )]
    pub cache_creation_input_tokens: Nullable<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::nullable::deserialize"
    )]
    pub cache_read_input_tokens: Nullable<u64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Usage {
    /// Tokens read from the cache (0 when not reported).
    pub fn cache_read(&self) -> u64 {
        self.cache_read_input_tokens.flatten().unwrap_or(0)
    }

    /// Tokens written to the cache (0 when not reported).
    pub fn cache_creation(&self) -> u64 {
        self.cache_creation_input_tokens.flatten().unwrap_or(0)
    }
}
