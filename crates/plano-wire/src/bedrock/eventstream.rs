//! AWS event-stream framing (`application/vnd.amazon.eventstream`), the body of a Bedrock ConverseStream.
//!
//! A message, all integers big-endian:
//!
//! ```text
//! [total length u32][headers length u32][prelude CRC32 u32][headers ...][payload ...][message CRC32 u32]
//! ```
//!
//! The prelude CRC covers the first 8 bytes; the message CRC covers everything before it (prelude and its
//! CRC included). A header is `[name length u8][name][type u8][value]`, with the value types of
//! [`HeaderValue`]. Bedrock sets `:message-type` (`event` | `exception` | `error`), `:event-type` or
//! `:exception-type`, and `:content-type`; the payload is JSON.
//!
//! [`EventStreamDecoder`] is incremental (any chunking) and bounded (a message longer than its limit is an
//! error as soon as its prelude arrives). Every framing fault is a typed [`EventStreamError`]; the decoder
//! never skips a bad message to resynchronize, because after a bad length nothing later can be trusted.
//! The encoder ([`encode_message`], [`encode_event`], [`encode_exception`]) serves tests and mock servers.

mod decoder;
mod encoder;
mod header;
#[cfg(test)]
mod tests;

use bytes::Bytes;

pub use decoder::{DEFAULT_MAX_MESSAGE_BYTES, EventStreamDecoder};
pub use encoder::{encode_event, encode_exception, encode_message};
pub use header::{Header, HeaderValue};

/// Bytes of the prelude: total length, headers length, prelude CRC.
pub const PRELUDE_LEN: usize = 12;
/// The smallest message: a prelude and a message CRC, no headers, no payload.
pub const MIN_MESSAGE_LEN: usize = PRELUDE_LEN + 4;

/// One decoded message. The payload shares the decoder's buffer (no copy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub headers: Vec<Header>,
    pub payload: Bytes,
}

/// What a message is, read from its `:message-type` and companion headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind<'a> {
    /// `:message-type: event` (or no `:message-type`), with its `:event-type` (empty if absent).
    Event(&'a str),
    /// `:message-type: exception`, with its `:exception-type` (empty if absent). The payload is JSON with a
    /// `message`.
    Exception(&'a str),
    /// `:message-type: error`: a transport-level error described by `:error-code` / `:error-message`.
    Error { code: &'a str, message: &'a str },
    /// A `:message-type` this version does not know.
    Other(&'a str),
}

impl Message {
    /// The first header named `name`.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers
            .iter()
            .find(|h| h.name == name)
            .map(|h| &h.value)
    }

    /// The first header named `name`, if it is a string.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        match self.header(name)? {
            HeaderValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// Classifies the message by its headers.
    pub fn kind(&self) -> MessageKind<'_> {
        let str_or_empty = |name| self.header_str(name).unwrap_or_default();
        match self.header_str(":message-type") {
            None | Some("event") => MessageKind::Event(str_or_empty(":event-type")),
            Some("exception") => MessageKind::Exception(str_or_empty(":exception-type")),
            Some("error") => MessageKind::Error {
                code: str_or_empty(":error-code"),
                message: str_or_empty(":error-message"),
            },
            Some(other) => MessageKind::Other(other),
        }
    }
}

/// A framing fault. After one, the decoder returns the same error forever: message boundaries are lost.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventStreamError {
    #[error(
        "event-stream prelude CRC mismatch (expected {expected:#010x}, computed {actual:#010x})"
    )]
    PreludeCrc { expected: u32, actual: u32 },
    #[error(
        "event-stream message CRC mismatch (expected {expected:#010x}, computed {actual:#010x})"
    )]
    MessageCrc { expected: u32, actual: u32 },
    #[error("event-stream message length {len} is below the minimum of {MIN_MESSAGE_LEN}")]
    TooShort { len: u32 },
    #[error("event-stream message length {len} exceeds the limit of {limit} bytes")]
    TooLong { len: u64, limit: usize },
    #[error(
        "event-stream headers length {headers_len} does not fit in a message of {total_len} bytes"
    )]
    HeadersLength { headers_len: u32, total_len: u32 },
    #[error("event-stream header at byte {offset}: {reason}")]
    Header { offset: usize, reason: HeaderError },
    #[error("event-stream ended inside a message ({buffered} bytes left over)")]
    Truncated { buffered: usize },
}

/// Why a header block did not parse (or could not be encoded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("truncated")]
    Truncated,
    #[error("empty name")]
    EmptyName,
    #[error("name is not UTF-8")]
    NameNotUtf8,
    #[error("string value is not UTF-8")]
    ValueNotUtf8,
    #[error("unknown value type {0}")]
    UnknownType(u8),
    #[error("name longer than 255 bytes")]
    NameTooLong,
    #[error("value longer than 65535 bytes")]
    ValueTooLong,
}
