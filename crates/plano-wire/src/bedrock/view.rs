//! Borrowed views of ConverseStream event payloads, for the hot path.
//!
//! The event type is in the message's `:event-type` header, not in the payload, so one flat struct covers
//! every payload (members a given event lacks are absent). Text is kept as raw JSON string tokens
//! (`&RawValue`), copied as-is into the client API's JSON; read them with [`crate::json_str::raw_str`].
//! Unknown members (such as the random-length `p` padding Bedrock adds to every event) are ignored.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::json_str::JsonStr;

/// One event payload: `messageStart` (`role`), `contentBlockStart` (`start`, `contentBlockIndex`),
/// `contentBlockDelta` (`delta`, `contentBlockIndex`), `contentBlockStop` (`contentBlockIndex`),
/// `messageStop` (`stopReason`), `metadata` (`usage`), or an exception (`message`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView<'a> {
    #[serde(default)]
    pub content_block_index: Option<u32>,
    #[serde(default, borrow)]
    pub start: Option<BlockStartView<'a>>,
    #[serde(default, borrow)]
    pub delta: Option<BlockDeltaView<'a>>,
    #[serde(default, borrow)]
    pub stop_reason: Option<JsonStr<'a>>,
    #[serde(default)]
    pub usage: Option<TokenUsageView>,
    /// Exceptions carry `{"message": ..}` (some services spell it `Message`).
    #[serde(default, borrow, alias = "Message")]
    pub message: Option<JsonStr<'a>>,
}

/// `contentBlockStart.start`: only tool use blocks announce themselves (text blocks just begin with deltas).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockStartView<'a> {
    #[serde(default, borrow)]
    pub tool_use: Option<ToolUseStartView<'a>>,
}

/// The id and name of a tool use block.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolUseStartView<'a> {
    #[serde(default, borrow)]
    pub tool_use_id: Option<JsonStr<'a>>,
    #[serde(default, borrow)]
    pub name: Option<JsonStr<'a>>,
}

/// `contentBlockDelta.delta`: one of text, a tool input fragment, or reasoning.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockDeltaView<'a> {
    #[serde(default, borrow)]
    pub text: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub tool_use: Option<ToolUseDeltaView<'a>>,
    #[serde(default, borrow)]
    pub reasoning_content: Option<ReasoningDeltaView<'a>>,
}

/// A fragment of a tool's input JSON, itself a JSON string.
#[derive(Debug, Default, Deserialize)]
pub struct ToolUseDeltaView<'a> {
    #[serde(default, borrow)]
    pub input: Option<&'a RawValue>,
}

/// Reasoning text, its signature (sent once, at the end of the block) or redacted reasoning.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasoningDeltaView<'a> {
    #[serde(default, borrow)]
    pub text: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub signature: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub redacted_content: Option<&'a RawValue>,
}

/// `metadata.usage`.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenUsageView {
    #[serde(default)]
    pub input_tokens: Option<u64>,
    #[serde(default)]
    pub output_tokens: Option<u64>,
    #[serde(default)]
    pub cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    pub cache_write_input_tokens: Option<u64>,
}
