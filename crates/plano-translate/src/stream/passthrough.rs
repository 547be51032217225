//! Same-API streams: bytes are forwarded unchanged, while the SSE decoder watches them for usage and for
//! the terminal event.
//!
//! Only complete lines are forwarded; a partial line waits (in a small tail buffer) for its end. That costs
//! no latency a client could use (a client cannot act on half a line) and it means that when the upstream
//! fails mid-line, the error event we append is not glued onto a truncated line.

use bytes::{BufMut, BytesMut};
use plano_catalog::Api;
use plano_wire::anthropic::view::EventView;
use plano_wire::error::ErrorKind;
use plano_wire::openai::view::ChunkView;
use plano_wire::sse::{SseDecoder, SseFrame};

use super::{StreamTranslator, write_client_error};
use crate::{TranslateError, Usage};

/// See the module docs.
pub struct Passthrough {
    api: Api,
    decoder: SseDecoder,
    /// Bytes received but not forwarded: the current partial line.
    tail: BytesMut,
    usage: Usage,
    /// The upstream's terminal event went by: the client stream is complete.
    ended: bool,
    /// We ended the client stream with an error: forward nothing more.
    failed: bool,
}

impl Passthrough {
    pub fn new(api: Api) -> Self {
        Passthrough {
            api,
            decoder: SseDecoder::new(),
            tail: BytesMut::new(),
            usage: Usage::default(),
            ended: false,
            failed: false,
        }
    }

    fn observe(&mut self, frame: &SseFrame) {
        match self.api {
            Api::AnthropicMessages => {
                let name = frame.event_name();
                // Only two events carry usage; skip parsing the (many) deltas.
                if matches!(
                    name,
                    Some(
                        "content_block_delta"
                            | "content_block_start"
                            | "content_block_stop"
                            | "ping"
                    )
                ) {
                    return;
                }
                let Ok(ev) = serde_json::from_slice::<EventView<'_>>(&frame.data) else {
                    return;
                };
                let usage = match &*ev.kind {
                    "message_start" => ev.message.and_then(|m| m.usage),
                    "message_delta" => ev.usage,
                    "message_stop" | "error" => {
                        self.ended = true;
                        None
                    }
                    _ => None,
                };
                if let Some(u) = usage {
                    let prev = self.usage;
                    let cache_read = u
                        .cache_read_input_tokens
                        .unwrap_or(prev.cached_input_tokens);
                    let input = match u.input_tokens {
                        Some(input) => {
                            input + cache_read + u.cache_creation_input_tokens.unwrap_or(0)
                        }
                        None => prev.input_tokens,
                    };
                    self.usage = Usage {
                        input_tokens: input,
                        output_tokens: u.output_tokens.unwrap_or(prev.output_tokens),
                        cached_input_tokens: cache_read,
                    };
                }
            }
            _ => {
                if frame.is_done() {
                    self.ended = true;
                    return;
                }
                // Usage arrives once, in the last chunk: a substring test avoids parsing every chunk.
                if !contains(&frame.data, b"\"usage\"") && !contains(&frame.data, b"\"error\"") {
                    return;
                }
                let Ok(chunk) = serde_json::from_slice::<ChunkView<'_>>(&frame.data) else {
                    return;
                };
                if chunk.error.is_some() {
                    self.ended = true;
                }
                if let Some(u) = chunk.usage {
                    self.usage = Usage::from_openai(
                        u.prompt_tokens.unwrap_or(0),
                        u.completion_tokens.unwrap_or(0),
                        u.cached_tokens().unwrap_or(0),
                    );
                }
            }
        }
    }

    fn drain(&mut self) -> Result<(), TranslateError> {
        loop {
            match self.decoder.next_frame() {
                Ok(Some(frame)) => self.observe(&frame),
                Ok(None) => return Ok(()),
                Err(e) => {
                    return Err(TranslateError::InvalidStream {
                        api: self.api,
                        detail: e.to_string(),
                    });
                }
            }
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

impl StreamTranslator for Passthrough {
    fn push(&mut self, bytes: &[u8], out: &mut BytesMut) -> Result<(), TranslateError> {
        if self.failed {
            return Ok(());
        }
        self.decoder.push(bytes);
        if let Err(e) = self.drain() {
            self.fail(&e.to_string(), out);
            return Err(e);
        }
        // The decoder holds exactly the unconsumed partial line; forward everything before it.
        let total = self.tail.len() + bytes.len();
        let forward = total - self.decoder.buffered().min(total);
        if forward <= self.tail.len() {
            out.put_slice(&self.tail.split_to(forward));
            self.tail.extend_from_slice(bytes);
        } else {
            let from_bytes = forward - self.tail.len();
            out.put_slice(&self.tail);
            self.tail.clear();
            out.put_slice(&bytes[..from_bytes]);
            self.tail.extend_from_slice(&bytes[from_bytes..]);
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut BytesMut) -> Result<(), TranslateError> {
        if self.failed {
            return Ok(());
        }
        out.put_slice(&self.tail);
        self.tail.clear();
        match self.decoder.finish() {
            Ok(Some(frame)) => {
                self.observe(&frame);
                // The upstream stopped without the blank line that dispatches its last event.
                out.put_slice(b"\n\n");
            }
            Ok(None) => {}
            Err(e) => {
                return Err(TranslateError::InvalidStream {
                    api: self.api,
                    detail: e.to_string(),
                });
            }
        }
        Ok(())
    }

    fn fail(&mut self, message: &str, out: &mut BytesMut) {
        if self.ended || std::mem::replace(&mut self.failed, true) {
            return;
        }
        // Drop the partial line; if the client is mid-event, end that event first so the error event is
        // not merged into it.
        self.tail.clear();
        if self.decoder.in_event() {
            out.put_slice(b"\n");
        }
        write_client_error(self.api, ErrorKind::Server, message, out);
    }

    fn usage(&self) -> Usage {
        self.usage
    }
}
