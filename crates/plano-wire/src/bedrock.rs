//! Amazon Bedrock Converse (`POST /model/<id>/converse`) and ConverseStream (`.../converse-stream`) wire
//! formats.
//!
//! - [`eventstream`]: the AWS binary event-stream framing that carries ConverseStream events.
//! - Owned types for the Converse request and response: content blocks are single-key unions
//!   (`{"text": ..}`, `{"toolUse": {..}}`, ...) modelled as externally tagged enums whose unknown members
//!   are kept verbatim, structs carry a flattened `extra`, and `stopReason` / `role` are open enums.
//! - [`view`]: borrowed views of ConverseStream event payloads for the hot path (text as raw JSON tokens).
//!
//! The model id is not part of the body: it travels in the URL path.

mod content;
pub mod eventstream;
mod request;
mod response;
pub mod view;

pub use content::{
    BinarySource, CachePoint, ContentBlock, DocumentBlock, ImageBlock, Message, ReasoningContent,
    ReasoningText, Role, ToolResultBlock, ToolResultContent, ToolUseBlock,
};
pub use request::{
    ConverseRequest, InferenceConfig, SpecificTool, SystemBlock, Tool, ToolChoice, ToolConfig,
    ToolInputSchema, ToolSpec,
};
pub use response::{ConverseOutput, ConverseResponse, StopReason, TokenUsage};
