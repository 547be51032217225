//! Accumulates a whole SSE stream into one buffer while remembering where each event ends.
//!
//! Rendering the stream up front (one allocation, no per-event `Bytes`) keeps the hot path
//! cheap, and the boundaries let [`body`](crate::body) pace events, cut after N of them or
//! re-split the bytes arbitrarily with zero-copy slices. Fault hooks live here too, so they
//! work the same for every API: raw bytes injected before event *i*, and an error event
//! that replaces everything from event *n* on.

use bytes::Bytes;
use serde_json::Value;

pub(crate) struct SseWriter {
    buf: Vec<u8>,
    /// End offset of every event in `buf`, injected ones included.
    bounds: Vec<usize>,
    /// Real events written so far (what injection and stop indexes count).
    events: usize,
    inject: Vec<(usize, Bytes)>,
    stop: Option<(usize, Vec<u8>)>,
    closed: bool,
}

/// Append `s` as a JSON string literal (quoted, escaped).
pub(crate) fn push_json_str(buf: &mut Vec<u8>, s: &str) {
    // Writing to a Vec cannot fail and a &str always serializes.
    if serde_json::to_writer(&mut *buf, s).is_err() {
        buf.extend_from_slice(b"\"\"");
    }
}

/// Append `v` as compact JSON.
pub(crate) fn push_json(buf: &mut Vec<u8>, v: &Value) {
    // A Value has only string keys, so this cannot fail either.
    if serde_json::to_writer(&mut *buf, v).is_err() {
        buf.extend_from_slice(b"null");
    }
}

impl SseWriter {
    /// `inject`: raw bytes to insert before the event with that index. `stop`: after that
    /// many events, write these bytes as the final event and ignore the rest.
    pub(crate) fn new(
        capacity: usize,
        inject: Vec<(usize, Bytes)>,
        stop: Option<(usize, Vec<u8>)>,
    ) -> Self {
        SseWriter {
            buf: Vec::with_capacity(capacity),
            bounds: Vec::with_capacity(16),
            events: 0,
            inject,
            stop,
            closed: false,
        }
    }

    /// Runs before each event; returns whether the event may be written.
    fn before_event(&mut self) -> bool {
        if self.closed {
            return false;
        }
        if !self.inject.is_empty() {
            let now = self.events;
            let mut i = 0;
            while i < self.inject.len() {
                if self.inject[i].0 == now {
                    let (_, raw) = self.inject.remove(i);
                    self.buf.extend_from_slice(&raw);
                    self.bounds.push(self.buf.len());
                } else {
                    i += 1;
                }
            }
        }
        if let Some((_, bytes)) = self.stop.as_ref().filter(|(n, _)| *n == self.events) {
            self.buf.extend_from_slice(bytes);
            self.bounds.push(self.buf.len());
            self.closed = true;
            return false;
        }
        true
    }

    fn end_event(&mut self) {
        self.buf.extend_from_slice(b"\n\n");
        self.bounds.push(self.buf.len());
        self.events += 1;
    }

    fn start(&mut self, name: Option<&str>) {
        if let Some(name) = name {
            self.buf.extend_from_slice(b"event: ");
            self.buf.extend_from_slice(name.as_bytes());
            self.buf.push(b'\n');
        }
        self.buf.extend_from_slice(b"data: ");
    }

    /// An event whose `data:` is written by `f` (must be a single line).
    pub(crate) fn event_with(&mut self, name: Option<&str>, f: impl FnOnce(&mut Vec<u8>)) {
        if !self.before_event() {
            return;
        }
        self.start(name);
        f(&mut self.buf);
        self.end_event();
    }

    /// An event whose data is the literal `raw` (e.g. `[DONE]`).
    pub(crate) fn event_raw(&mut self, name: Option<&str>, raw: &[u8]) {
        self.event_with(name, |buf| buf.extend_from_slice(raw));
    }

    /// The bytes and each event's end offset. Injections aimed past the last event are
    /// appended at the end.
    pub(crate) fn finish(mut self) -> (Bytes, Vec<usize>) {
        if !self.closed {
            for (_, raw) in std::mem::take(&mut self.inject) {
                self.buf.extend_from_slice(&raw);
                self.bounds.push(self.buf.len());
            }
        }
        (Bytes::from(self.buf), self.bounds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_injection_and_stop() {
        let inject = vec![(1, Bytes::from_static(b"junk\n"))];
        let mut w = SseWriter::new(64, inject, Some((2, b"data: err\n\n".to_vec())));
        w.event_raw(Some("a"), b"1");
        w.event_raw(None, b"2");
        w.event_raw(None, b"3");
        let (bytes, bounds) = w.finish();
        assert_eq!(
            &bytes[..],
            b"event: a\ndata: 1\n\njunk\ndata: 2\n\ndata: err\n\n"
        );
        assert_eq!(bounds.len(), 4);
        assert_eq!(*bounds.last().unwrap(), bytes.len());
    }
}
