//! The shell every translating stream shares: feeding the upstream decoder, handing each complete frame to
//! the per-API [`EventMachine`], and ending the client stream properly on finish or failure.
//!
//! A translator is a [`Driven`] pair of an upstream [`Decoder`] (SSE, or the AWS event-stream) and an
//! event machine that turns one upstream frame at a time into client SSE bytes.

use bytes::BytesMut;
use plano_catalog::Api;
use plano_wire::bedrock::eventstream::{EventStreamDecoder, Message};
use plano_wire::error::ErrorKind;
use plano_wire::sse::{SseDecoder, SseFrame};

use super::{StreamTranslator, write_client_error};
use crate::{TranslateError, Usage};

/// Incremental upstream framing.
pub trait Decoder: Send {
    type Frame;
    type Error: std::fmt::Display;
    /// Whether draining stops at the machine's terminal event (leaving later frames undecoded) rather than
    /// decoding, and ignoring, everything buffered.
    const STOP_AT_DONE: bool;
    fn push(&mut self, bytes: &[u8]);
    fn next_frame(&mut self) -> Result<Option<Self::Frame>, Self::Error>;
    /// The body ended: the last, unterminated frame if the framing allows one; a torn frame is an error.
    fn finish(&mut self) -> Result<Option<Self::Frame>, Self::Error>;
}

impl Decoder for SseDecoder {
    type Frame = SseFrame;
    type Error = plano_wire::sse::SseError;
    const STOP_AT_DONE: bool = false;
    fn push(&mut self, bytes: &[u8]) {
        SseDecoder::push(self, bytes);
    }
    fn next_frame(&mut self) -> Result<Option<SseFrame>, Self::Error> {
        SseDecoder::next_frame(self)
    }
    fn finish(&mut self) -> Result<Option<SseFrame>, Self::Error> {
        SseDecoder::finish(self)
    }
}

impl Decoder for EventStreamDecoder {
    type Frame = Message;
    type Error = plano_wire::bedrock::eventstream::EventStreamError;
    const STOP_AT_DONE: bool = true;
    fn push(&mut self, bytes: &[u8]) {
        EventStreamDecoder::push(self, bytes);
    }
    fn next_frame(&mut self) -> Result<Option<Message>, Self::Error> {
        self.next_message()
    }
    fn finish(&mut self) -> Result<Option<Message>, Self::Error> {
        EventStreamDecoder::finish(self).map(|()| None)
    }
}

/// The per-pair translation: one upstream frame at a time into client SSE bytes.
pub trait EventMachine: Send {
    type Frame;
    /// The upstream API, named in decode errors.
    const UPSTREAM: Api;
    /// The client API, whose error event ends a failed stream.
    const CLIENT: Api;
    /// Translates one frame. An `Err` ends the stream with an error event.
    fn on_frame(&mut self, frame: &Self::Frame, out: &mut BytesMut) -> Result<(), TranslateError>;
    /// The upstream ended without its terminal event: close the client stream, or refuse with an error.
    fn end_early(&mut self, out: &mut BytesMut) -> Result<(), TranslateError>;
    /// Whether the client stream has ended (terminal event or error written); the driver sets it on failure.
    fn done(&mut self) -> &mut bool;
    fn usage(&self) -> Usage;
}

/// A [`StreamTranslator`] from a decoder and an event machine.
pub struct Driven<D, M> {
    decoder: D,
    machine: M,
}

impl<D, M> Driven<D, M>
where
    D: Decoder,
    M: EventMachine<Frame = D::Frame>,
{
    pub(crate) fn from_parts(decoder: D, machine: M) -> Self {
        Driven { decoder, machine }
    }

    fn drain(&mut self, out: &mut BytesMut) -> Result<(), TranslateError> {
        while !(D::STOP_AT_DONE && *self.machine.done()) {
            match self.decoder.next_frame().map_err(invalid::<M>)? {
                Some(frame) => self.machine.on_frame(&frame, out)?,
                None => break,
            }
        }
        Ok(())
    }

    fn end(&mut self, out: &mut BytesMut) -> Result<(), TranslateError> {
        // Bytes after the stream's own end are ignored, as `push` ignores them.
        self.drain(out)?;
        if !*self.machine.done() {
            if let Some(frame) = self.decoder.finish().map_err(invalid::<M>)? {
                self.machine.on_frame(&frame, out)?;
            }
            self.drain(out)?;
        }
        if !*self.machine.done() {
            self.machine.end_early(out)?;
        }
        Ok(())
    }

    fn fail_with(&mut self, err: TranslateError, out: &mut BytesMut) -> TranslateError {
        self.fail(&err.to_string(), out);
        err
    }
}

fn invalid<M: EventMachine>(e: impl std::fmt::Display) -> TranslateError {
    invalid_stream(M::UPSTREAM, e)
}

/// A broken upstream stream of `api`.
pub(crate) fn invalid_stream(api: Api, detail: impl std::fmt::Display) -> TranslateError {
    TranslateError::InvalidStream {
        api,
        detail: detail.to_string(),
    }
}

impl<D, M> StreamTranslator for Driven<D, M>
where
    D: Decoder,
    M: EventMachine<Frame = D::Frame>,
{
    fn push(&mut self, bytes: &[u8], out: &mut BytesMut) -> Result<(), TranslateError> {
        if *self.machine.done() {
            return Ok(());
        }
        self.decoder.push(bytes);
        self.drain(out).map_err(|e| self.fail_with(e, out))
    }

    fn finish(&mut self, out: &mut BytesMut) -> Result<(), TranslateError> {
        if *self.machine.done() {
            return Ok(());
        }
        self.end(out).map_err(|e| self.fail_with(e, out))
    }

    fn fail(&mut self, message: &str, out: &mut BytesMut) {
        if !std::mem::replace(self.machine.done(), true) {
            write_client_error(M::CLIENT, ErrorKind::Server, message, out);
        }
    }

    fn usage(&self) -> Usage {
        self.machine.usage()
    }
}
