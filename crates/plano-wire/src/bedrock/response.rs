//! The non-streaming Converse response, stop reasons and token usage.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Message;
use crate::open_enum::open_enum;

/// The body of a successful Converse call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseResponse {
    #[serde(default)]
    pub output: ConverseOutput,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<StopReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<TokenUsage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_model_response_fields: Option<Value>,
    /// Guardrail and prompt-router traces; `promptRouter.invokedModelId` names the model that answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ConverseResponse {
    /// The model a prompt router picked, if the answer came through one.
    pub fn invoked_model_id(&self) -> Option<&str> {
        self.trace
            .as_ref()?
            .get("promptRouter")?
            .get("invokedModelId")?
            .as_str()
    }
}

/// `{"message": {..}}` (a union with a single member today).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConverseOutput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

open_enum! {
    /// Why generation stopped.
    pub enum StopReason {
        EndTurn = "end_turn",
        ToolUse = "tool_use",
        MaxTokens = "max_tokens",
        StopSequence = "stop_sequence",
        GuardrailIntervened = "guardrail_intervened",
        ContentFiltered = "content_filtered",
        ModelContextWindowExceeded = "model_context_window_exceeded",
    }
}

/// Token counts. Like Anthropic's, `inputTokens` excludes tokens read from or written to the prompt cache.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenUsage {
    #[serde(default)]
    pub input_tokens: u64,
    #[serde(default)]
    pub output_tokens: u64,
    #[serde(default)]
    pub total_tokens: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read_input_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write_input_tokens: Option<u64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
