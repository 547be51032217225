//! The incremental SSE decoder: `push` bytes as they arrive, pull frames with `next_frame`.

use bytes::{Buf, Bytes, BytesMut};

use super::{SseError, SseFrame};

/// Default bound on one line and on one event's data: 16 MiB.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes an SSE byte stream incrementally.
///
/// ```
/// use plano_wire::sse::SseDecoder;
/// let mut dec = SseDecoder::new();
/// dec.push(b"event: ping\nda");
/// assert!(dec.next_frame().unwrap().is_none());
/// dec.push(b"ta: {}\n\n");
/// let frame = dec.next_frame().unwrap().unwrap();
/// assert_eq!(frame.event_name(), Some("ping"));
/// assert_eq!(&frame.data[..], b"{}");
/// ```
#[derive(Debug)]
pub struct SseDecoder {
    buf: BytesMut,
    /// Bytes at the front of `buf` already searched for a line terminator, so a long line arriving in many
    /// small chunks is scanned once, not once per chunk.
    scanned: usize,
    /// The previous line ended with `\r` at the very end of the input: a `\n` arriving next belongs to it.
    skip_lf: bool,
    /// The stream start has not yet been checked for a byte-order mark.
    bom_pending: bool,
    limit: usize,
    pending: Pending,
    failed: Option<SseError>,
}

/// Fields of the event being assembled.
#[derive(Debug, Default)]
struct Pending {
    event: Option<Bytes>,
    id: Option<Bytes>,
    retry: Option<u64>,
    data: Data,
}

#[derive(Debug, Default)]
enum Data {
    #[default]
    None,
    /// One `data:` line: a zero-copy slice.
    One(Bytes),
    /// Several lines, joined with `\n`.
    Many(BytesMut),
}

impl Data {
    fn len(&self) -> usize {
        match self {
            Data::None => 0,
            Data::One(b) => b.len(),
            Data::Many(b) => b.len(),
        }
    }
}

impl Default for SseDecoder {
    fn default() -> Self {
        Self::with_limit(DEFAULT_MAX_EVENT_BYTES)
    }
}

impl SseDecoder {
    /// A decoder with the default 16 MiB limit.
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder whose lines and events may not exceed `limit` bytes.
    pub fn with_limit(limit: usize) -> Self {
        SseDecoder {
            buf: BytesMut::new(),
            scanned: 0,
            skip_lf: false,
            bom_pending: true,
            limit,
            pending: Pending::default(),
            failed: None,
        }
    }

    /// Appends raw stream bytes. Call [`next_frame`](Self::next_frame) until it returns `None` afterwards.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes buffered but not yet consumed (a partial line).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Whether an event has started (some field line was read) but not been dispatched yet. A proxy that
    /// forwards complete lines uses this to know if the client is mid-event.
    pub fn in_event(&self) -> bool {
        let p = &self.pending;
        !matches!(p.data, Data::None) || p.event.is_some() || p.id.is_some() || p.retry.is_some()
    }

    /// The next complete frame, `Ok(None)` when more input is needed.
    pub fn next_frame(&mut self) -> Result<Option<SseFrame>, SseError> {
        if let Some(err) = self.failed {
            return Err(err);
        }
        if self.bom_pending && !self.strip_bom() {
            return Ok(None);
        }
        loop {
            if self.skip_lf && !self.buf.is_empty() {
                if self.buf[0] == b'\n' {
                    self.buf.advance(1);
                }
                self.skip_lf = false;
            }
            let Some(offset) = memchr::memchr2(b'\n', b'\r', &self.buf[self.scanned..]) else {
                self.scanned = self.buf.len();
                if self.buf.len() > self.limit {
                    return Err(self.fail(SseError::LineTooLong { limit: self.limit }));
                }
                return Ok(None);
            };
            let end = self.scanned + offset;
            self.scanned = 0;
            if end > self.limit {
                return Err(self.fail(SseError::LineTooLong { limit: self.limit }));
            }
            let line = self.buf.split_to(end).freeze();
            // Consume the terminator. A `\r` that is the last buffered byte may be the first half of `\r\n`.
            if self.buf[0] == b'\r' {
                match self.buf.get(1) {
                    Some(b'\n') => self.buf.advance(2),
                    Some(_) => self.buf.advance(1),
                    None => {
                        self.buf.advance(1);
                        self.skip_lf = true;
                    }
                }
            } else {
                self.buf.advance(1);
            }
            if let Some(frame) = self.process_line(line)? {
                return Ok(Some(frame));
            }
        }
    }

    /// Signals end of input: a final line or event not followed by a blank line is dispatched.
    ///
    /// Drain [`next_frame`](Self::next_frame) before calling this; the returned frame is the last one. If input
    /// was left undrained, further frames can still be pulled with `next_frame`.
    pub fn finish(&mut self) -> Result<Option<SseFrame>, SseError> {
        self.bom_pending = false;
        // Terminating the last line and adding a blank line is exactly "dispatch what is pending"; an already
        // dispatched stream sees only empty lines, which dispatch nothing.
        self.buf.extend_from_slice(b"\n\n");
        self.next_frame()
    }

    fn fail(&mut self, err: SseError) -> SseError {
        self.failed = Some(err);
        self.buf = BytesMut::new();
        self.pending = Pending::default();
        err
    }

    /// Returns whether the BOM question is settled (stripping it if present).
    fn strip_bom(&mut self) -> bool {
        let n = self.buf.len().min(BOM.len());
        if self.buf[..n] != BOM[..n] {
            self.bom_pending = false;
            return true;
        }
        if n < BOM.len() {
            return false;
        }
        self.buf.advance(BOM.len());
        self.bom_pending = false;
        true
    }

    fn process_line(&mut self, line: Bytes) -> Result<Option<SseFrame>, SseError> {
        if line.is_empty() {
            return Ok(self.dispatch());
        }
        if line[0] == b':' {
            return Ok(None);
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let start = if line.get(colon + 1) == Some(&b' ') {
                    colon + 2
                } else {
                    colon + 1
                };
                (line.slice(..colon), line.slice(start..))
            }
            None => (line.clone(), Bytes::new()),
        };
        match &field[..] {
            b"data" => self.append_data(value)?,
            b"event" => self.pending.event = Some(value),
            // WHATWG: an id containing NUL is ignored.
            b"id" if !value.contains(&0) => self.pending.id = Some(value),
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                self.pending.retry = std::str::from_utf8(&value)
                    .ok()
                    .and_then(|s| s.parse().ok());
            }
            _ => {}
        }
        Ok(None)
    }

    fn append_data(&mut self, value: Bytes) -> Result<(), SseError> {
        let current = self.pending.data.len();
        if current + value.len() + 1 > self.limit {
            return Err(self.fail(SseError::EventTooLarge { limit: self.limit }));
        }
        self.pending.data = match std::mem::take(&mut self.pending.data) {
            Data::None => Data::One(value),
            Data::One(first) => {
                let mut joined = BytesMut::with_capacity(first.len() + 1 + value.len());
                joined.extend_from_slice(&first);
                joined.extend_from_slice(b"\n");
                joined.extend_from_slice(&value);
                Data::Many(joined)
            }
            Data::Many(mut joined) => {
                joined.extend_from_slice(b"\n");
                joined.extend_from_slice(&value);
                Data::Many(joined)
            }
        };
        Ok(())
    }

    fn dispatch(&mut self) -> Option<SseFrame> {
        let pending = std::mem::take(&mut self.pending);
        // WHATWG: an event without any data line is not dispatched (its event type is discarded too).
        let data = match pending.data {
            Data::None => return None,
            Data::One(b) => b,
            Data::Many(b) => b.freeze(),
        };
        Some(SseFrame {
            event: pending.event,
            data,
            id: pending.id,
            retry: pending.retry,
        })
    }
}
