//! The Converse / ConverseStream request body (the same for both; the model id is in the path).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use super::{CachePoint, Message};

/// The body of `POST /model/<id>/converse[-stream]`.
///
/// `extra` carries Bedrock's other top-level members verbatim (`guardrailConfig`,
/// `additionalModelResponseFieldPaths`, `promptVariables`, `requestMetadata`, `performanceConfig`, ...).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseRequest {
    #[serde(default)]
    pub messages: Vec<Message>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<Vec<SystemBlock>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference_config: Option<InferenceConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_config: Option<ToolConfig>,
    /// Model-specific parameters (Claude's `thinking`, `top_k`, `anthropic_beta`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_model_request_fields: Option<Map<String, Value>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One system prompt block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SystemBlock {
    Text(String),
    CachePoint(CachePoint),
    #[serde(untagged)]
    Other(Map<String, Value>),
}

/// Sampling parameters common to all models.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InferenceConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_sequences: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl InferenceConfig {
    /// Whether nothing is set (Bedrock then uses the model's defaults; the member is left out).
    pub fn is_empty(&self) -> bool {
        self.max_tokens.is_none()
            && self.temperature.is_none()
            && self.top_p.is_none()
            && self.stop_sequences.is_none()
            && self.extra.is_empty()
    }
}

/// `{"tools": [..], "toolChoice": {..}}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolConfig {
    #[serde(default)]
    pub tools: Vec<Tool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A tool definition, or a cache point after the tools.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Tool {
    ToolSpec(ToolSpec),
    CachePoint(CachePoint),
    #[serde(untagged)]
    Other(Map<String, Value>),
}

/// `{"name", "description", "inputSchema": {"json": <JSON Schema>}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolSpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub input_schema: ToolInputSchema,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The schema wrapper: `{"json": ..}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ToolInputSchema {
    Json(Value),
    #[serde(untagged)]
    Other(Map<String, Value>),
}

/// `{"auto": {}}`, `{"any": {}}` or `{"tool": {"name"}}`. Bedrock has no "none".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ToolChoice {
    Auto(Map<String, Value>),
    Any(Map<String, Value>),
    Tool(SpecificTool),
    #[serde(untagged)]
    Other(Map<String, Value>),
}

/// The tool a `{"tool": ..}` choice forces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecificTool {
    pub name: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
