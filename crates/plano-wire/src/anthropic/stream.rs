//! Owned stream event types, for lossless round trips and tests. Translators decode events with the borrowed
//! types in [`super::view`] instead.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ContentBlock, MessagesResponse, StopReason, Usage};
use crate::Nullable;

/// One `data:` payload of a Messages stream, tagged by `type` (which repeats the SSE `event:` name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamEvent {
    MessageStart {
        message: MessagesResponse,
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
    ContentBlockStart(IndexedBlock),
    ContentBlockDelta(IndexedDelta),
    ContentBlockStop {
        index: u32,
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
    MessageDelta(MessageDelta),
    MessageStop {
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
    Ping {
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
    Error {
        error: ErrorDetail,
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
    #[serde(untagged)]
    Other(Map<String, Value>),
}

impl StreamEvent {
    /// The SSE `event:` name for this event.
    pub fn event_name(&self) -> &str {
        match self {
            StreamEvent::MessageStart { .. } => "message_start",
            StreamEvent::ContentBlockStart(_) => "content_block_start",
            StreamEvent::ContentBlockDelta(_) => "content_block_delta",
            StreamEvent::ContentBlockStop { .. } => "content_block_stop",
            StreamEvent::MessageDelta(_) => "message_delta",
            StreamEvent::MessageStop { .. } => "message_stop",
            StreamEvent::Ping { .. } => "ping",
            StreamEvent::Error { .. } => "error",
            StreamEvent::Other(map) => map.get("type").and_then(Value::as_str).unwrap_or("unknown"),
        }
    }
}

/// `content_block_start`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexedBlock {
    pub index: u32,
    pub content_block: ContentBlock,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `content_block_delta`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexedDelta {
    pub index: u32,
    pub delta: BlockDelta,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The delta of a `content_block_delta`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockDelta {
    TextDelta {
        text: String,
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
    InputJsonDelta {
        partial_json: String,
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
    ThinkingDelta {
        thinking: String,
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
    SignatureDelta {
        signature: String,
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
    CitationsDelta {
        citation: Value,
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
    #[serde(untagged)]
    Other(Map<String, Value>),
}

/// `message_delta`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageDelta {
    pub delta: MessageDeltaBody,
    /// Cumulative usage so far (at least `output_tokens`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `message_delta.delta`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MessageDeltaBody {
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
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `error` of an error event or body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub message: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
