//! Borrowed views of stream events for the hot path.
//!
//! One flat struct covers every event type (fields a given type lacks are simply absent), which avoids the
//! buffering that serde's internally tagged enums need. Text fields are raw JSON string tokens (`&RawValue`),
//! copied as-is into the other API's JSON; read them with [`crate::json_str::raw_str`].

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::json_str::JsonStr;

/// One decoded `data:` payload of a Messages stream.
#[derive(Debug, Deserialize)]
pub struct EventView<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: JsonStr<'a>,
    #[serde(default)]
    pub index: Option<u32>,
    /// `message_start`.
    #[serde(default, borrow)]
    pub message: Option<MessageStartView<'a>>,
    /// `content_block_start`.
    #[serde(default, borrow)]
    pub content_block: Option<BlockView<'a>>,
    /// `content_block_delta` and `message_delta`.
    #[serde(default, borrow)]
    pub delta: Option<DeltaView<'a>>,
    /// `message_delta`.
    #[serde(default)]
    pub usage: Option<UsageView>,
    /// `error`.
    #[serde(default, borrow)]
    pub error: Option<ErrorView<'a>>,
}

/// The message of `message_start`.
#[derive(Debug, Deserialize)]
pub struct MessageStartView<'a> {
    #[serde(default, borrow)]
    pub id: Option<JsonStr<'a>>,
    #[serde(default, borrow)]
    pub model: Option<JsonStr<'a>>,
    #[serde(default)]
    pub usage: Option<UsageView>,
}

/// The block of `content_block_start`.
#[derive(Debug, Deserialize)]
pub struct BlockView<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: JsonStr<'a>,
    #[serde(default, borrow)]
    pub id: Option<JsonStr<'a>>,
    #[serde(default, borrow)]
    pub name: Option<JsonStr<'a>>,
    #[serde(default, borrow)]
    pub text: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub thinking: Option<&'a RawValue>,
}

/// A block delta or a message delta.
#[derive(Debug, Deserialize)]
pub struct DeltaView<'a> {
    #[serde(rename = "type", default, borrow)]
    pub kind: Option<JsonStr<'a>>,
    #[serde(default, borrow)]
    pub text: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub partial_json: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub thinking: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub stop_reason: Option<JsonStr<'a>>,
}

/// Usage in `message_start` or (cumulative) in `message_delta`.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
pub struct UsageView {
    #[serde(default)]
    pub input_tokens: Option<u64>,
    #[serde(default)]
    pub output_tokens: Option<u64>,
    #[serde(default)]
    pub cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    pub cache_read_input_tokens: Option<u64>,
}

/// The error of an `error` event.
#[derive(Debug, Default, Deserialize)]
pub struct ErrorView<'a> {
    #[serde(rename = "type", default, borrow)]
    pub kind: Option<JsonStr<'a>>,
    #[serde(default, borrow)]
    pub message: Option<JsonStr<'a>>,
}
