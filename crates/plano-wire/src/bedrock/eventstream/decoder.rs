//! The incremental decoder: `push` bytes in any chunking, take whole messages out.

use bytes::{Buf, BytesMut};

use super::header::parse_headers;
use super::{EventStreamError, MIN_MESSAGE_LEN, Message, PRELUDE_LEN};

/// Default bound on one message (AWS's own limit is 16 MiB).
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// See the module docs of [`super`].
///
/// The prelude is validated as soon as its 12 bytes are in, so a corrupt or oversized length fails at once
/// instead of making the decoder wait for (and buffer) a message that will never be valid.
#[derive(Debug)]
pub struct EventStreamDecoder {
    buf: BytesMut,
    limit: usize,
    failed: Option<EventStreamError>,
}

impl Default for EventStreamDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl EventStreamDecoder {
    /// A decoder with the [`DEFAULT_MAX_MESSAGE_BYTES`] limit.
    pub fn new() -> Self {
        Self::with_limit(DEFAULT_MAX_MESSAGE_BYTES)
    }

    /// A decoder that rejects messages longer than `limit` bytes (prelude and CRCs included).
    pub fn with_limit(limit: usize) -> Self {
        EventStreamDecoder {
            buf: BytesMut::new(),
            limit: limit.max(MIN_MESSAGE_LEN),
            failed: None,
        }
    }

    /// Appends upstream bytes. Call [`next_message`](Self::next_message) until it returns `Ok(None)`.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.failed.is_none() {
            self.buf.extend_from_slice(bytes);
        }
    }

    /// Bytes received but not yet returned as messages.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next complete message, `Ok(None)` if more bytes are needed, or the framing error (repeated on
    /// every later call).
    pub fn next_message(&mut self) -> Result<Option<Message>, EventStreamError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        match self.decode() {
            Ok(m) => Ok(m),
            Err(e) => {
                self.buf = BytesMut::new();
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    /// The upstream ended: an error if a message was left incomplete (or an earlier error stands). Complete
    /// messages still buffered are not an error; drain them with `next_message` first.
    pub fn finish(&mut self) -> Result<(), EventStreamError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        // A whole message still buffered would be returned by `decode`; anything shorter is a torn message.
        let whole = self.prelude().ok().flatten().is_some_and(|(total, _)| {
            usize::try_from(total).is_ok_and(|total| total <= self.buf.len())
        });
        if self.buf.is_empty() || whole {
            return Ok(());
        }
        let e = EventStreamError::Truncated {
            buffered: self.buf.len(),
        };
        self.failed = Some(e.clone());
        Err(e)
    }

    /// Reads and checks the prelude: `Ok(None)` until 12 bytes are buffered.
    fn prelude(&self) -> Result<Option<(u32, u32)>, EventStreamError> {
        let Some(p) = self.buf.get(..PRELUDE_LEN) else {
            return Ok(None);
        };
        let word = |i: usize| u32::from_be_bytes([p[i], p[i + 1], p[i + 2], p[i + 3]]);
        let (total, headers, expected) = (word(0), word(4), word(8));
        let actual = crc32fast::hash(&p[..8]);
        if actual != expected {
            return Err(EventStreamError::PreludeCrc { expected, actual });
        }
        let min = MIN_MESSAGE_LEN as u32;
        if total < min {
            return Err(EventStreamError::TooShort { len: total });
        }
        if usize::try_from(total).map_or(true, |t| t > self.limit) {
            return Err(EventStreamError::TooLong {
                len: u64::from(total),
                limit: self.limit,
            });
        }
        if headers > total - min {
            return Err(EventStreamError::HeadersLength {
                headers_len: headers,
                total_len: total,
            });
        }
        Ok(Some((total, headers)))
    }

    fn decode(&mut self) -> Result<Option<Message>, EventStreamError> {
        let Some((total, headers_len)) = self.prelude()? else {
            return Ok(None);
        };
        // Both fit in usize: `prelude` checked `total <= limit` and `headers_len < total`.
        let total = total as usize;
        let headers_len = headers_len as usize;
        if self.buf.len() < total {
            return Ok(None);
        }
        let mut whole = self.buf.split_to(total).freeze();
        let body_end = total - 4;
        let expected = (&whole[body_end..]).get_u32();
        let actual = crc32fast::hash(&whole[..body_end]);
        if actual != expected {
            return Err(EventStreamError::MessageCrc { expected, actual });
        }
        whole.truncate(body_end);
        let headers_end = PRELUDE_LEN + headers_len;
        let headers = parse_headers(&whole.slice(PRELUDE_LEN..headers_end), PRELUDE_LEN)?;
        let payload = whole.slice(headers_end..);
        Ok(Some(Message { headers, payload }))
    }
}
