//! The upstream side shared by the ConverseStream translators: event-stream decoding and sorting each
//! message into an event (with its parsed payload) or a failure to report to the client, and the
//! [`EventMachine`] every [`Converse`] translator shares: failures end the client stream, and a body that
//! ends before `messageStop` was cut short.

use bytes::BytesMut;
use plano_catalog::Api;
use plano_wire::bedrock::eventstream::{Message, MessageKind};
use plano_wire::bedrock::view::{EventView, TokenUsageView};
use plano_wire::error::ErrorKind;

use super::driver::EventMachine;
use super::write_client_error;
use crate::{TranslateError, Usage};

/// One upstream message, classified.
#[allow(
    clippy::large_enum_variant,
    reason = "a short-lived stack value, one per message; boxing would allocate per event"
)]
pub(crate) enum Incoming<'a> {
    /// An event: its `:event-type` and payload.
    Event(&'a str, EventView<'a>),
    /// An exception or error message: the stream is over and the client must be told why.
    Failure(ErrorKind, String),
    /// A message type this version does not know; skipped.
    Ignored,
}

/// Classifies a message. A payload that does not parse as JSON is a broken stream, not something to skip.
pub(crate) fn classify(m: &Message) -> Result<Incoming<'_>, TranslateError> {
    let kind_of = |name: &str| ErrorKind::from_aws_exception(name).unwrap_or(ErrorKind::Server);
    Ok(match m.kind() {
        MessageKind::Event(name) => {
            let payload = if m.payload.is_empty() {
                EventView::default()
            } else {
                serde_json::from_slice(&m.payload)
                    .map_err(|e| invalid(&format!("`{name}` event: {e}")))?
            };
            Incoming::Event(name, payload)
        }
        MessageKind::Exception(name) => {
            // The payload is `{"message": ..}`; a payload we cannot read still ends the stream with the
            // exception's name, never silently.
            let message = serde_json::from_slice::<EventView<'_>>(&m.payload)
                .ok()
                .and_then(|p| p.message.map(|s| s.to_string()))
                .filter(|s| !s.is_empty());
            let text = match message {
                Some(msg) => msg,
                None if name.is_empty() => "Bedrock stream exception".to_owned(),
                None => format!("Bedrock stream exception: {name}"),
            };
            Incoming::Failure(kind_of(name), text)
        }
        MessageKind::Error { code, message } => {
            let text = match (code.is_empty(), message.is_empty()) {
                (_, false) => message.to_owned(),
                (false, true) => format!("Bedrock stream error: {code}"),
                (true, true) => "Bedrock stream error".to_owned(),
            };
            Incoming::Failure(kind_of(code), text)
        }
        MessageKind::Other(_) => Incoming::Ignored,
    })
}

/// `metadata.usage` in OpenAI's convention (Bedrock's `inputTokens` excludes cache reads and writes).
pub(crate) fn usage(u: TokenUsageView) -> Usage {
    Usage::from_anthropic(
        u.input_tokens.unwrap_or(0),
        u.output_tokens.unwrap_or(0),
        u.cache_read_input_tokens.unwrap_or(0),
        u.cache_write_input_tokens.unwrap_or(0),
    )
}

pub(crate) fn invalid(detail: &str) -> TranslateError {
    super::driver::invalid_stream(Api::BedrockConverse, detail)
}

/// A ConverseStream → client translator's own part; the shared [`EventMachine`] impl does the rest.
pub(crate) trait Converse: Send {
    /// The client API.
    const CLIENT: Api;
    /// The `done` flag of [`EventMachine::done`].
    fn done(&mut self) -> &mut bool;
    /// Whether `messageStop` was seen.
    fn stopped(&self) -> bool;
    fn on_event(&mut self, name: &str, ev: EventView<'_>, out: &mut BytesMut);
    /// Writes the client stream's final events.
    fn close(&mut self, out: &mut BytesMut);
    fn usage(&self) -> Usage;
}

impl<T: Converse> EventMachine for T {
    type Frame = Message;
    const UPSTREAM: Api = Api::BedrockConverse;
    const CLIENT: Api = T::CLIENT;

    fn on_frame(&mut self, m: &Message, out: &mut BytesMut) -> Result<(), TranslateError> {
        match classify(m)? {
            Incoming::Event(name, ev) => self.on_event(name, ev, out),
            Incoming::Failure(kind, message) => {
                write_client_error(T::CLIENT, kind, &message, out);
                *Converse::done(self) = true;
            }
            Incoming::Ignored => {}
        }
        Ok(())
    }

    fn end_early(&mut self, out: &mut BytesMut) -> Result<(), TranslateError> {
        // Bedrock always ends with `messageStop` then `metadata`. Without `metadata` the answer is still
        // complete (only usage is missing); without `messageStop` it was cut short, and saying so beats a
        // clean-looking end.
        if !self.stopped() {
            return Err(invalid("the stream ended before `messageStop`"));
        }
        Converse::close(self, out);
        Ok(())
    }

    fn done(&mut self) -> &mut bool {
        Converse::done(self)
    }

    fn usage(&self) -> Usage {
        Converse::usage(self)
    }
}
