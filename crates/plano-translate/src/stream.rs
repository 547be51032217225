//! Streaming translation: state machines fed raw upstream bytes (any chunking), writing client SSE bytes.
//!
//! Every translator decodes the upstream framing incrementally (SSE, or the AWS binary event-stream for
//! Bedrock ConverseStream), translates event by event as soon as each is complete, and guarantees a
//! well-formed client stream:
//! - [`StreamTranslator::finish`] closes the client stream properly even if the upstream never sent its
//!   terminal event;
//! - [`StreamTranslator::fail`] (and any decode error inside `push`) ends it with the client API's error
//!   event, never with a silent clean end;
//! - after the terminal event (or an error), further input is ignored and nothing more is written.
//!
//! Output is written straight into the caller's `BytesMut`; text deltas are copied from upstream JSON as
//! raw, still-escaped string tokens, so a delta costs no allocation and no re-escaping.

mod anthropic_out;
pub mod anthropic_to_openai;
mod bedrock_in;
pub mod bedrock_to_anthropic;
pub mod bedrock_to_openai;
mod driver;
mod openai_out;
pub mod openai_to_anthropic;
pub mod passthrough;

use bytes::BytesMut;
use plano_catalog::Api;
use plano_wire::error::{ErrorKind, write_anthropic_stream_error, write_openai_stream_error};

use crate::{ResponseContext, TranslateError, Usage};

pub use anthropic_to_openai::AnthropicToOpenAi;
pub use bedrock_to_anthropic::BedrockToAnthropic;
pub use bedrock_to_openai::BedrockToOpenAi;
pub use openai_to_anthropic::OpenAiToAnthropic;
pub use passthrough::Passthrough;

/// An upstream-stream → client-stream translator.
pub trait StreamTranslator: Send {
    /// Feeds raw upstream body bytes (any chunking); appends client-API SSE bytes to `out`.
    ///
    /// On `Err` the client stream has already been ended with an error event (written to `out`); the caller
    /// should send `out`, stop reading the upstream and log the error. Later calls write nothing.
    fn push(&mut self, bytes: &[u8], out: &mut BytesMut) -> Result<(), TranslateError>;

    /// The upstream ended cleanly: closes the client stream properly (final events, `[DONE]`).
    fn finish(&mut self, out: &mut BytesMut) -> Result<(), TranslateError>;

    /// The upstream failed mid-stream (cut, timeout, decode error): ends the client stream with the client
    /// API's error event. A no-op if the stream already ended.
    fn fail(&mut self, message: &str, out: &mut BytesMut);

    /// Usage seen so far, in OpenAI's convention (input includes cached tokens).
    fn usage(&self) -> Usage;
}

/// The translator for a pair: a passthrough (usage tracking only) for same-API streams, a translator for
/// supported pairs, and for anything else a translator that fails the stream with an error event.
pub fn stream_translator(
    upstream: Api,
    client: Api,
    ctx: ResponseContext,
) -> Box<dyn StreamTranslator> {
    try_stream_translator(upstream, client, ctx).unwrap_or_else(|_| {
        Box::new(Unsupported {
            upstream,
            client,
            done: false,
        })
    })
}

/// Like [`stream_translator`], but unsupported pairs are an error up front.
pub fn try_stream_translator(
    upstream: Api,
    client: Api,
    ctx: ResponseContext,
) -> Result<Box<dyn StreamTranslator>, TranslateError> {
    match (upstream, client) {
        (Api::AnthropicMessages, Api::OpenAiChat) => Ok(Box::new(AnthropicToOpenAi::new(ctx))),
        (Api::OpenAiChat, Api::AnthropicMessages) => Ok(Box::new(OpenAiToAnthropic::new(ctx))),
        (Api::BedrockConverse, Api::OpenAiChat) => Ok(Box::new(BedrockToOpenAi::new(ctx))),
        (Api::BedrockConverse, Api::AnthropicMessages) => {
            Ok(Box::new(BedrockToAnthropic::new(ctx)))
        }
        (u, c) if u == c => Ok(Box::new(Passthrough::new(u))),
        (from, to) => Err(TranslateError::Unsupported { from, to }),
    }
}

/// Writes the client API's mid-stream error event.
pub(crate) fn write_client_error(client: Api, kind: ErrorKind, message: &str, out: &mut BytesMut) {
    match client {
        Api::AnthropicMessages => write_anthropic_stream_error(out, kind, message),
        _ => write_openai_stream_error(out, kind, message, None),
    }
}

/// Ends the stream with an error for pairs without a translator.
struct Unsupported {
    upstream: Api,
    client: Api,
    done: bool,
}

impl Unsupported {
    fn error(&self) -> TranslateError {
        TranslateError::Unsupported {
            from: self.upstream,
            to: self.client,
        }
    }
}

impl StreamTranslator for Unsupported {
    fn push(&mut self, _: &[u8], out: &mut BytesMut) -> Result<(), TranslateError> {
        let err = self.error();
        self.fail(&err.to_string(), out);
        Err(err)
    }

    fn finish(&mut self, out: &mut BytesMut) -> Result<(), TranslateError> {
        self.push(&[], out)
    }

    fn fail(&mut self, message: &str, out: &mut BytesMut) {
        if !std::mem::replace(&mut self.done, true) {
            write_client_error(self.client, ErrorKind::Server, message, out);
        }
    }

    fn usage(&self) -> Usage {
        Usage::default()
    }
}
