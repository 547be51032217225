//! OpenAI Chat Completions (`POST /v1/chat/completions`) wire types.
//!
//! Owned types (`ChatCompletionRequest`, `ChatCompletion`, `ChatCompletionChunk`, ...) round-trip losslessly:
//! unknown fields land in `extra`, unknown content parts and tools are kept as raw maps, open enums keep
//! unknown values. [`view`] has borrowed types for decoding stream chunks on the hot path.

mod content;
mod request;
mod response;
mod stream;
mod tools;
pub mod view;

pub use content::{
    ContentPart, FilePart, FileRef, ImagePart, ImageUrl, MessageContent, RefusalPart, TextPart,
};
pub use request::{
    ChatCompletionRequest, ChatMessage, ChatRole, ReasoningEffort, StopSequences, StreamOptions,
};
pub use response::{
    ChatCompletion, Choice, CompletionTokensDetails, FinishReason, PromptTokensDetails, Usage,
};
pub use stream::{ChatCompletionChunk, ChunkChoice, ChunkDelta, FunctionCallDelta, ToolCallDelta};
pub use tools::{
    FunctionCall, FunctionDef, FunctionTool, NamedFunction, NamedToolChoice, Tool, ToolCall,
    ToolChoice, ToolChoiceMode,
};
