//! Anthropic Messages (`POST /v1/messages`) wire types.
//!
//! Owned types round-trip losslessly (unknown fields in `extra`, unknown content blocks such as `document`
//! variants, `server_tool_use` or `web_search_tool_result` kept as raw maps, open enums). [`view`] has
//! borrowed types for decoding stream events on the hot path.

mod content;
mod request;
mod response;
mod stream;
pub mod view;

pub use content::{
    ContentBlock, DocumentBlock, ImageBlock, MediaSource, RedactedThinkingBlock, TextBlock,
    ThinkingBlock, ToolResultBlock, ToolResultContent, ToolUseBlock,
};
pub use request::{
    Message, MessageContent, MessagesRequest, Metadata, Role, SystemPrompt, ThinkingConfig,
    ThinkingType, Tool, ToolChoice, ToolChoiceKind,
};
pub use response::{MessagesResponse, StopReason, Usage};
pub use stream::{
    BlockDelta, ErrorDetail, IndexedBlock, IndexedDelta, MessageDelta, MessageDeltaBody,
    StreamEvent,
};
