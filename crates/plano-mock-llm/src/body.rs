//! The response body: either one ready buffer (the fast path) or a pre-rendered buffer
//! played out piece by piece with real delays, odd split points and an abrupt end.
//!
//! Pieces are zero-copy slices of one `Bytes`. Without `chunk_bytes` a piece is one SSE
//! event; with it a piece is `k` bytes of the stream regardless of event or UTF-8
//! boundaries, so one piece may end one event and start the next, as TCP would deliver it.
//! A cut ends the body with an error: hyper then drops the connection without the final
//! `0\r\n\r\n` chunk (HTTP/1.1) or resets the stream (h2), which clients report as a body
//! error rather than a clean end.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// How a pre-rendered body is played out.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Pacing {
    /// Delay before each piece that begins a new event (except the first event).
    pub chunk_delay: Option<Duration>,
    /// Piece size in bytes; `None` = one piece per event.
    pub chunk_bytes: Option<usize>,
    /// End with an error instead of a clean end.
    pub cut: bool,
}

impl Pacing {
    fn is_plain(&self) -> bool {
        self.chunk_delay.is_none_or(|d| d.is_zero()) && self.chunk_bytes.is_none() && !self.cut
    }
}

/// The body error that makes hyper abort the response.
#[derive(Debug)]
pub(crate) struct Cut;

impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("plano-mock-llm: scripted mid-stream cut")
    }
}

impl std::error::Error for Cut {}

pub(crate) enum MockBody {
    /// One frame. `sized` bodies get a `content-length`; unsized ones (SSE) go out chunked
    /// like a real provider's stream, even when every event is ready at once.
    Full {
        data: Option<Bytes>,
        sized: bool,
    },
    Paced(Box<Paced>),
}

impl MockBody {
    pub(crate) fn full(data: Bytes) -> Self {
        MockBody::Full {
            data: Some(data),
            sized: true,
        }
    }

    /// `bounds` are the end offsets of each event in `data`; `sized` as for `Full`.
    pub(crate) fn events(data: Bytes, bounds: &[usize], pacing: Pacing, sized: bool) -> Self {
        if pacing.is_plain() {
            return MockBody::Full {
                data: Some(data),
                sized,
            };
        }
        let mut starts = Vec::with_capacity(bounds.len() + 1);
        starts.push(0);
        starts.extend(bounds.iter().copied().filter(|&b| b < data.len()));
        MockBody::Paced(Box::new(Paced {
            data,
            starts,
            next_start: 0,
            pos: 0,
            chunk_delay: pacing.chunk_delay.unwrap_or_default(),
            chunk_bytes: pacing.chunk_bytes.unwrap_or(0),
            cut: pacing.cut,
            sleep: None,
            last_deadline: None,
            gate: Gate::Idle,
            emitted_any: false,
            cut_stage: CutStage::NotYet,
        }))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Gate {
    /// Nothing decided yet for the next piece.
    Idle,
    /// Waiting on the chunk delay.
    Sleeping,
    /// Cleared to emit the next piece.
    Open,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CutStage {
    NotYet,
    Draining,
    Done,
}

pub(crate) struct Paced {
    data: Bytes,
    /// Start offset of every event, ascending (first is 0).
    starts: Vec<usize>,
    /// Index of the first start not yet behind `pos`.
    next_start: usize,
    pos: usize,
    chunk_delay: Duration,
    chunk_bytes: usize,
    cut: bool,
    sleep: Option<Pin<Box<Sleep>>>,
    /// Deadline of the previous paced event.
    last_deadline: Option<Instant>,
    gate: Gate,
    emitted_any: bool,
    cut_stage: CutStage,
}

impl Paced {
    fn arm(&mut self, d: Duration) {
        self.arm_at(Instant::now() + d);
    }

    fn arm_at(&mut self, deadline: Instant) {
        match &mut self.sleep {
            Some(s) => s.as_mut().reset(deadline),
            None => self.sleep = Some(Box::pin(tokio::time::sleep_until(deadline))),
        }
    }

    fn poll_sleep(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        match &mut self.sleep {
            Some(s) => s.as_mut().poll(cx),
            None => Poll::Ready(()),
        }
    }

    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Cut>>> {
        let len = self.data.len();
        if self.pos >= len {
            if !self.cut {
                return Poll::Ready(None);
            }
            match self.cut_stage {
                CutStage::NotYet => {
                    // hyper buffers writes and drops its buffer when the body errors, so give
                    // it a moment to flush the events that precede the cut.
                    self.arm(Duration::from_millis(5));
                    self.cut_stage = CutStage::Draining;
                }
                CutStage::Draining => {}
                CutStage::Done => return Poll::Ready(None),
            }
            ready!(self.poll_sleep(cx));
            self.cut_stage = CutStage::Done;
            return Poll::Ready(Some(Err(Cut)));
        }

        while self.next_start < self.starts.len() && self.starts[self.next_start] < self.pos {
            self.next_start += 1;
        }
        let next_event_end = {
            let mut i = self.next_start;
            if self.starts.get(i) == Some(&self.pos) {
                i += 1;
            }
            self.starts.get(i).copied().unwrap_or(len)
        };
        let end = if self.chunk_bytes > 0 {
            (self.pos + self.chunk_bytes).min(len)
        } else {
            next_event_end
        };

        if self.gate == Gate::Idle {
            let starts_event = self
                .starts
                .get(self.next_start)
                .is_some_and(|&s| s > 0 && s < end);
            if starts_event && !self.chunk_delay.is_zero() {
                // Pace on a fixed schedule (previous deadline + d) so the timer's
                // millisecond rounding does not accumulate over 64 events; after a stall
                // (slow reader) restart from now rather than bursting to catch up.
                let now = Instant::now();
                let deadline = self.last_deadline.map_or(now + self.chunk_delay, |prev| {
                    (prev + self.chunk_delay).max(now)
                });
                self.last_deadline = Some(deadline);
                self.arm_at(deadline);
                self.gate = Gate::Sleeping;
            } else if self.emitted_any && self.chunk_bytes > 0 {
                // Return Pending once so hyper flushes the previous piece on its own: the
                // client then sees separate chunks/reads, not one coalesced write.
                self.gate = Gate::Open;
                cx.waker().wake_by_ref();
                return Poll::Pending;
            } else {
                self.gate = Gate::Open;
            }
        }
        if self.gate == Gate::Sleeping {
            ready!(self.poll_sleep(cx));
            self.gate = Gate::Open;
        }

        let piece = self.data.slice(self.pos..end);
        self.pos = end;
        self.gate = Gate::Idle;
        self.emitted_any = true;
        Poll::Ready(Some(Ok(Frame::data(piece))))
    }
}

impl Body for MockBody {
    type Data = Bytes;
    type Error = Cut;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Cut>>> {
        match self.get_mut() {
            MockBody::Full { data, .. } => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            MockBody::Paced(p) => p.poll_next(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            MockBody::Full { data, .. } => data.is_none(),
            MockBody::Paced(p) => p.pos >= p.data.len() && !p.cut,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            MockBody::Full {
                data: Some(d),
                sized: true,
            } => SizeHint::with_exact(d.len() as u64),
            MockBody::Full { data: None, .. } => SizeHint::with_exact(0),
            // Unknown length: HTTP/1.1 uses chunked encoding, so a cut is detectable.
            MockBody::Full { .. } | MockBody::Paced(_) => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn frames(body: MockBody) -> (Vec<Bytes>, bool) {
        let mut body = body;
        let mut out = Vec::new();
        loop {
            match body.frame().await {
                Some(Ok(f)) => out.push(f.into_data().unwrap()),
                Some(Err(_)) => return (out, true),
                None => return (out, false),
            }
        }
    }

    #[tokio::test]
    async fn per_event_pieces_and_cut() {
        let data = Bytes::from_static(b"aa\n\nbbb\n\nc\n\n");
        let pacing = Pacing {
            chunk_delay: Some(Duration::from_millis(1)),
            ..Pacing::default()
        };
        let (f, cut) = frames(MockBody::events(data.clone(), &[4, 9, 12], pacing, false)).await;
        assert_eq!(f, vec!["aa\n\n", "bbb\n\n", "c\n\n"]);
        assert!(!cut);

        let pacing = Pacing {
            cut: true,
            ..Pacing::default()
        };
        let (f, cut) = frames(MockBody::events(data.slice(..9), &[4, 9], pacing, false)).await;
        assert_eq!(f.concat(), b"aa\n\nbbb\n\n");
        assert!(cut);
    }

    #[tokio::test]
    async fn byte_pieces_ignore_boundaries() {
        let data = Bytes::from_static("aé\n\n世\n\n".as_bytes());
        let pacing = Pacing {
            chunk_bytes: Some(3),
            chunk_delay: Some(Duration::from_millis(1)),
            ..Pacing::default()
        };
        let (f, _) = frames(MockBody::events(data.clone(), &[5, 10], pacing, false)).await;
        assert!(f.iter().all(|p| p.len() <= 3));
        assert_eq!(f.concat(), &data[..]);
    }
}
