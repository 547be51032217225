//! Converse messages and content blocks, shared by requests and responses.
//!
//! Every block is an object with exactly one key naming its kind. Serde's externally tagged enums are that
//! shape; a trailing `#[serde(untagged)] Other` keeps kinds this version does not know (video, guardContent,
//! citationsContent, ...) so they pass through unchanged.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::open_enum::open_enum;

open_enum! {
    /// A message author.
    pub enum Role {
        User = "user",
        Assistant = "assistant",
    }
}

/// `{"role", "content": [blocks]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    #[serde(default)]
    pub content: Vec<ContentBlock>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One content block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ContentBlock {
    Text(String),
    Image(ImageBlock),
    Document(DocumentBlock),
    ToolUse(ToolUseBlock),
    ToolResult(ToolResultBlock),
    ReasoningContent(ReasoningContent),
    CachePoint(CachePoint),
    #[serde(untagged)]
    Other(Map<String, Value>),
}

/// `{"format": "png"|"jpeg"|"gif"|"webp", "source": {"bytes": <base64>}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageBlock {
    pub format: String,
    pub source: BinarySource,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"format": "pdf"|"txt"|..., "name", "source": {"bytes": ..} | {"text": ..}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentBlock {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    pub name: String,
    pub source: BinarySource,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Where an image's or document's content is: inline base64 `bytes`, inline `text`, or elsewhere
/// (`s3Location`, ...), kept verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BinarySource {
    Bytes(String),
    Text(String),
    #[serde(untagged)]
    Other(Map<String, Value>),
}

/// `{"toolUseId", "name", "input"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolUseBlock {
    pub tool_use_id: String,
    pub name: String,
    #[serde(default)]
    pub input: Value,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"toolUseId", "content": [..], "status": "success"|"error"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolResultBlock {
    pub tool_use_id: String,
    #[serde(default)]
    pub content: Vec<ToolResultContent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One item of a tool result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ToolResultContent {
    Text(String),
    Json(Value),
    Image(ImageBlock),
    Document(DocumentBlock),
    #[serde(untagged)]
    Other(Map<String, Value>),
}

/// `{"reasoningText": {"text", "signature"}}` or `{"redactedContent": <base64>}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ReasoningContent {
    ReasoningText(ReasoningText),
    RedactedContent(String),
    #[serde(untagged)]
    Other(Map<String, Value>),
}

/// Visible reasoning and the signature that lets it be sent back in a later turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasoningText {
    #[serde(default)]
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"type": "default"}`: the prompt up to here may be cached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachePoint {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CachePoint {
    /// The only kind Bedrock defines.
    pub fn default_point() -> Self {
        CachePoint {
            kind: "default".into(),
            extra: Map::new(),
        }
    }
}
