//! Server-Sent Events: an incremental decoder for upstream streams and an encoder for client streams.
//!
//! The decoder follows the WHATWG EventSource parsing rules (line endings `\r\n`, `\r` or `\n`; `field: value`
//! with one optional space; multi-line `data` joined with `\n`; comments and unknown fields ignored; a leading
//! UTF-8 BOM stripped) and survives any chunking of its input, including splits inside a line ending, a field
//! name or a UTF-8 sequence: it works on bytes and only ever cuts at line terminators.
//!
//! Two deliberate departures from the browser algorithm, both for a proxy's needs:
//! - [`SseDecoder::finish`] dispatches a final event that was not followed by a blank line (browsers drop it;
//!   some providers close the connection right after the last `data:` line).
//! - Memory is bounded: a line or an event larger than the configured limit is an [`SseError`], not growth.

mod decoder;
mod encoder;
#[cfg(test)]
mod tests;

use bytes::Bytes;

pub use decoder::{DEFAULT_MAX_EVENT_BYTES, SseDecoder};
pub use encoder::{encode_data, encode_event, encode_json_event};

/// One dispatched event. Fields are slices of the decoder's buffer, so producing a frame does not copy the
/// payload (except when `data` spans several lines and has to be joined).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseFrame {
    /// The `event:` field, if the event had one.
    pub event: Option<Bytes>,
    /// All `data:` lines joined with `\n`.
    pub data: Bytes,
    /// The `id:` field, if this event set one.
    pub id: Option<Bytes>,
    /// The `retry:` field, if this event set a valid one (milliseconds).
    pub retry: Option<u64>,
}

impl SseFrame {
    /// The event name as text, when present and valid UTF-8.
    pub fn event_name(&self) -> Option<&str> {
        self.event
            .as_deref()
            .and_then(|e| std::str::from_utf8(e).ok())
    }

    /// Whether this is OpenAI's end-of-stream sentinel, `data: [DONE]`.
    pub fn is_done(&self) -> bool {
        self.data.as_ref() == b"[DONE]"
    }
}

/// Why a stream cannot be decoded further. Once returned, the decoder keeps returning it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    /// A single line exceeded the limit before its terminator arrived.
    #[error("SSE line exceeds {limit} bytes")]
    LineTooLong { limit: usize },
    /// The `data` of one event exceeded the limit.
    #[error("SSE event exceeds {limit} bytes")]
    EventTooLarge { limit: usize },
}
