//! Bedrock ConverseStream (upstream, AWS event-stream) → OpenAI Chat Completions chunks (client).
//!
//! - `messageStart` → the role chunk (id: the gateway request id; model: the model requested);
//! - text deltas → `delta.content`; reasoning text → `delta.reasoning_content` (signatures and redacted
//!   reasoning are dropped);
//! - a `toolUse` block start → a tool call chunk with id and name, numbered 0, 1, ... by call; its input
//!   fragments → argument fragments, copied as raw JSON string tokens;
//! - `messageStop` records the stop reason; `metadata`, which follows it, carries usage. The finish chunk,
//!   the usage chunk (when the client asked for one) and `[DONE]` are written at `metadata`, or at the end
//!   of the body if it never comes; a body that ends before `messageStop` was cut short and ends with an
//!   error event;
//! - an exception (throttling, validation, model stream error, ...) → an OpenAI error event, nothing after
//!   it; a framing or payload error likewise.

use bytes::BytesMut;
use plano_catalog::Api;
use plano_wire::bedrock::eventstream::{EventStreamDecoder, Message};
use plano_wire::bedrock::view::EventView;
use plano_wire::error::ErrorKind;
use plano_wire::json_str::raw_str;

use super::bedrock_in::{self, Incoming};
use super::openai_out::{self, ChunkWriter};
use super::{StreamTranslator, write_client_error};
use crate::stop_reason::bedrock_to_openai_finish;
use crate::{ResponseContext, TranslateError, Usage};

/// See the module docs.
pub struct BedrockToOpenAi {
    decoder: EventStreamDecoder,
    ctx: ResponseContext,
    /// Set once the role chunk has been written.
    writer: Option<ChunkWriter>,
    /// (Bedrock content block index, OpenAI tool call index) for tool use blocks.
    tools: Vec<(u32, u32)>,
    finish_reason: Option<&'static str>,
    usage: Usage,
    done: bool,
}

impl BedrockToOpenAi {
    pub fn new(ctx: ResponseContext) -> Self {
        BedrockToOpenAi {
            decoder: EventStreamDecoder::new(),
            ctx,
            writer: None,
            tools: Vec::new(),
            finish_reason: None,
            usage: Usage::default(),
            done: false,
        }
    }

    fn writer(&mut self, out: &mut BytesMut) -> &ChunkWriter {
        let ctx = &self.ctx;
        self.writer.get_or_insert_with(|| {
            let writer = ChunkWriter::new(&ctx.request_id, ctx.created_unix, &ctx.fallback_model);
            writer.role(out);
            writer
        })
    }

    fn on_message(&mut self, m: &Message, out: &mut BytesMut) -> Result<(), TranslateError> {
        match bedrock_in::classify(m)? {
            Incoming::Event(name, ev) => self.on_event(name, ev, out),
            Incoming::Failure(kind, message) => {
                write_client_error(Api::OpenAiChat, kind, &message, out);
                self.done = true;
            }
            Incoming::Ignored => {}
        }
        Ok(())
    }

    fn on_event(&mut self, name: &str, ev: EventView<'_>, out: &mut BytesMut) {
        let block = ev.content_block_index.unwrap_or(0);
        match name {
            "messageStart" => {
                self.writer(out);
            }
            "contentBlockStart" => {
                let Some(tool) = ev.start.and_then(|s| s.tool_use) else {
                    return;
                };
                let index = u32::try_from(self.tools.len()).unwrap_or(u32::MAX);
                self.tools.push((block, index));
                let id = tool.tool_use_id.as_deref().unwrap_or_default();
                let name = tool.name.as_deref().unwrap_or_default();
                self.writer(out).tool_start(out, index, id, name);
            }
            "contentBlockDelta" => {
                let Some(delta) = ev.delta else { return };
                let tool = self
                    .tools
                    .iter()
                    .rev()
                    .find(|(b, _)| *b == block)
                    .map(|(_, t)| *t);
                let writer = self.writer(out);
                if let Some(raw) = raw_str(delta.text) {
                    writer.content(out, raw);
                }
                if let (Some(tool), Some(raw)) =
                    (tool, raw_str(delta.tool_use.and_then(|t| t.input)))
                {
                    writer.tool_args(out, tool, raw);
                }
                if let Some(raw) = raw_str(delta.reasoning_content.and_then(|r| r.text)) {
                    writer.reasoning(out, raw);
                }
            }
            "messageStop" => {
                let reason = ev.stop_reason.as_deref().unwrap_or("end_turn");
                self.finish_reason = Some(bedrock_to_openai_finish(reason));
            }
            "metadata" => {
                if let Some(u) = ev.usage {
                    self.usage = bedrock_in::usage(u);
                }
                if self.finish_reason.is_some() {
                    self.close(out);
                }
            }
            // contentBlockStop and anything new.
            _ => {}
        }
    }

    /// Writes the finish chunk, the usage chunk if wanted, and `[DONE]`.
    fn close(&mut self, out: &mut BytesMut) {
        let usage = self.usage;
        let include_usage = self.ctx.include_usage;
        let finish = self.finish_reason.unwrap_or("stop");
        let writer = self.writer(out);
        writer.finish(out, finish);
        if include_usage {
            writer.usage(out, &usage);
        }
        openai_out::done(out);
        self.done = true;
    }

    fn drain(&mut self, out: &mut BytesMut) -> Result<(), TranslateError> {
        while !self.done {
            match bedrock_in::next(&mut self.decoder)? {
                Some(m) => self.on_message(&m, out)?,
                None => break,
            }
        }
        Ok(())
    }

    fn fail_with(&mut self, err: TranslateError, out: &mut BytesMut) -> TranslateError {
        self.fail(&err.to_string(), out);
        err
    }
}

impl StreamTranslator for BedrockToOpenAi {
    fn push(&mut self, bytes: &[u8], out: &mut BytesMut) -> Result<(), TranslateError> {
        if self.done {
            return Ok(());
        }
        self.decoder.push(bytes);
        self.drain(out).map_err(|e| self.fail_with(e, out))
    }

    fn finish(&mut self, out: &mut BytesMut) -> Result<(), TranslateError> {
        if self.done {
            return Ok(());
        }
        // Bytes after the stream's own end are ignored, as `push` ignores them.
        let result = self.drain(out).and_then(|()| match self.done {
            true => Ok(()),
            false => bedrock_in::end(&mut self.decoder),
        });
        if let Err(e) = result {
            return Err(self.fail_with(e, out));
        }
        if self.done {
            return Ok(());
        }
        // Bedrock always ends with `messageStop` then `metadata`. Without `metadata` the answer is still
        // complete (only usage is missing); without `messageStop` it was cut short, and saying so beats a
        // clean-looking end.
        if self.finish_reason.is_none() {
            let err = bedrock_in::invalid("the stream ended before `messageStop`");
            return Err(self.fail_with(err, out));
        }
        self.close(out);
        Ok(())
    }

    fn fail(&mut self, message: &str, out: &mut BytesMut) {
        if !std::mem::replace(&mut self.done, true) {
            write_client_error(Api::OpenAiChat, ErrorKind::Server, message, out);
        }
    }

    fn usage(&self) -> Usage {
        self.usage
    }
}
