//! Provider wire formats, with no I/O: everything here turns bytes into values or values into bytes.
//!
//! # Layout
//!
//! - [`sse`]: an incremental Server-Sent Events decoder (any chunking, bounded) and encoder.
//! - [`json_scan`]: a DOM-free scanner for the passthrough path. It finds the top-level `model` and `stream`
//!   of a request body and splices a new `model` in, leaving every other byte untouched.
//! - [`json_str`]: JSON string escaping straight into byte buffers.
//! - [`openai`]: OpenAI Chat Completions request, response and stream chunk types.
//! - [`anthropic`]: Anthropic Messages request, response and stream event types.
//! - [`bedrock`]: Bedrock Converse request/response types, ConverseStream event views, and the AWS
//!   event-stream binary codec that frames them.
//! - [`error`]: error envelopes (bodies and mid-stream events) for both APIs, and status ↔ type mapping.
//!
//! Wire types are forward-compatible by construction: known fields are typed, everything else rides along in
//! a flattened `extra` map, enums are open (unknown values are kept verbatim), and content blocks of unknown
//! types pass through untouched. Fields that providers send as explicit `null` use [`Nullable`] so that a
//! parse/serialize round trip is lossless.
//!
//! Each module that decodes streams also offers borrowed "view" types (`*View<'a>`) for the hot path: they
//! borrow text as raw JSON string tokens, so a translator can copy a delta from one API to the other without
//! unescaping or allocating.

pub mod anthropic;
pub mod bedrock;
pub mod error;
pub mod json_scan;
pub mod json_str;
mod nullable;
mod open_enum;
pub mod openai;
pub mod sse;

pub use nullable::Nullable;
