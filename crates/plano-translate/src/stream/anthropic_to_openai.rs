//! Anthropic Messages stream (upstream) → OpenAI Chat Completions chunks (client).
//!
//! - `message_start` → a role chunk carrying the real message id and model (as do all later chunks);
//! - `text_delta` → `delta.content`; `thinking_delta` → `delta.reasoning_content` (never into content);
//! - `tool_use` blocks → `delta.tool_calls`, numbered by tool call (0, 1, ...) rather than by Anthropic block
//!   index, which also counts text and thinking blocks; `input_json_delta` → argument fragments;
//! - `message_delta` records the stop reason and usage; `message_stop` → exactly one finish chunk, then a
//!   usage chunk when the client asked for one (`ResponseContext::include_usage`), then `[DONE]`;
//! - `error` → an OpenAI error event, and no `[DONE]`;
//! - `ping`, signatures, citations, server-side tool blocks and unknown events are dropped; empty deltas
//!   produce no chunk.

use bytes::BytesMut;
use plano_catalog::Api;
use plano_wire::anthropic::view::{EventView, UsageView};
use plano_wire::error::ErrorKind;
use plano_wire::json_str::raw_str;
use plano_wire::sse::{SseDecoder, SseFrame};

use super::driver::{Driven, EventMachine, invalid_stream};
use super::openai_out::{self, ChunkWriter};
use super::write_client_error;
use crate::{ResponseContext, TranslateError, Usage, anthropic_to_openai_finish};

/// See the module docs.
pub type AnthropicToOpenAi = Driven<SseDecoder, Machine>;

/// The event machine behind [`AnthropicToOpenAi`].
pub struct Machine {
    ctx: ResponseContext,
    /// Set once the role chunk has been written.
    writer: Option<ChunkWriter>,
    /// (Anthropic block index, OpenAI tool call index) for open `tool_use` blocks.
    tools: Vec<(u32, u32)>,
    finish_reason: Option<&'static str>,
    input: u64,
    output: u64,
    cache_read: u64,
    cache_creation: u64,
    done: bool,
}

impl AnthropicToOpenAi {
    pub fn new(ctx: ResponseContext) -> Self {
        Driven::from_parts(
            SseDecoder::new(),
            Machine {
                ctx,
                writer: None,
                tools: Vec::new(),
                finish_reason: None,
                input: 0,
                output: 0,
                cache_read: 0,
                cache_creation: 0,
                done: false,
            },
        )
    }
}

impl Machine {
    fn writer(
        &mut self,
        out: &mut BytesMut,
        id: Option<&str>,
        model: Option<&str>,
    ) -> &ChunkWriter {
        let ctx = &self.ctx;
        self.writer.get_or_insert_with(|| {
            let id = id.filter(|s| !s.is_empty()).unwrap_or(&ctx.request_id);
            let model = model
                .filter(|s| !s.is_empty())
                .unwrap_or(&ctx.fallback_model);
            let writer = ChunkWriter::new(id, ctx.created_unix, model);
            writer.role(out);
            writer
        })
    }

    fn record_usage(&mut self, usage: Option<UsageView>) {
        let Some(u) = usage else { return };
        // `message_delta` usage is cumulative: the latest value replaces, never adds.
        self.input = u.input_tokens.unwrap_or(self.input);
        self.output = u.output_tokens.unwrap_or(self.output);
        self.cache_read = u.cache_read_input_tokens.unwrap_or(self.cache_read);
        self.cache_creation = u.cache_creation_input_tokens.unwrap_or(self.cache_creation);
    }

    /// Writes the finish chunk, the usage chunk if wanted, and `[DONE]`.
    fn close(&mut self, out: &mut BytesMut) {
        let usage = self.usage();
        let include_usage = self.ctx.include_usage;
        let finish = self.finish_reason.unwrap_or("stop");
        let writer = self.writer(out, None, None);
        writer.finish(out, finish);
        if include_usage {
            writer.usage(out, &usage);
        }
        openai_out::done(out);
        self.done = true;
    }
}

impl EventMachine for Machine {
    type Frame = SseFrame;
    const UPSTREAM: Api = Api::AnthropicMessages;
    const CLIENT: Api = Api::OpenAiChat;

    fn done(&mut self) -> &mut bool {
        &mut self.done
    }

    fn on_frame(&mut self, frame: &SseFrame, out: &mut BytesMut) -> Result<(), TranslateError> {
        if self.done || frame.data.is_empty() {
            return Ok(());
        }
        let ev: EventView<'_> =
            serde_json::from_slice(&frame.data).map_err(|e| invalid_stream(Self::UPSTREAM, e))?;
        match &*ev.kind {
            "message_start" => {
                let (id, model, usage) = match &ev.message {
                    Some(m) => (m.id.as_deref(), m.model.as_deref(), m.usage),
                    None => (None, None, None),
                };
                self.writer(out, id, model);
                self.record_usage(usage);
            }
            "content_block_start" => {
                let Some(block) = ev.content_block else {
                    return Ok(());
                };
                let tool_index = u32::try_from(self.tools.len()).unwrap_or(u32::MAX);
                if &*block.kind == "tool_use" {
                    self.tools.push((ev.index.unwrap_or(0), tool_index));
                }
                let writer = self.writer(out, None, None);
                match &*block.kind {
                    "text" => {
                        if let Some(raw) = raw_str(block.text) {
                            writer.content(out, raw);
                        }
                    }
                    "thinking" => {
                        if let Some(raw) = raw_str(block.thinking) {
                            writer.reasoning(out, raw);
                        }
                    }
                    // Only client tools become tool calls: server tools (`server_tool_use`, `mcp_tool_use`)
                    // already ran on Anthropic's side, and the client must not try to execute them.
                    "tool_use" => {
                        let id = block.id.as_deref().unwrap_or_default();
                        let name = block.name.as_deref().unwrap_or_default();
                        writer.tool_start(out, tool_index, id, name);
                    }
                    _ => {}
                }
            }
            "content_block_delta" => {
                let Some(delta) = ev.delta else { return Ok(()) };
                let block = ev.index.unwrap_or(0);
                let tool = self
                    .tools
                    .iter()
                    .rev()
                    .find(|(b, _)| *b == block)
                    .map(|(_, t)| *t);
                let writer = self.writer(out, None, None);
                match delta.kind.as_deref() {
                    Some("text_delta") => {
                        if let Some(raw) = raw_str(delta.text) {
                            writer.content(out, raw);
                        }
                    }
                    Some("thinking_delta") => {
                        if let Some(raw) = raw_str(delta.thinking) {
                            writer.reasoning(out, raw);
                        }
                    }
                    Some("input_json_delta") => {
                        if let (Some(tool), Some(raw)) = (tool, raw_str(delta.partial_json)) {
                            writer.tool_args(out, tool, raw);
                        }
                    }
                    _ => {}
                }
            }
            "message_delta" => {
                if let Some(reason) = ev.delta.as_ref().and_then(|d| d.stop_reason.as_deref()) {
                    self.finish_reason = Some(anthropic_to_openai_finish(reason));
                }
                self.record_usage(ev.usage);
            }
            "message_stop" => self.close(out),
            "error" => {
                let (kind, message) = match &ev.error {
                    Some(e) => (
                        e.kind
                            .as_deref()
                            .and_then(ErrorKind::from_type_str)
                            .unwrap_or(ErrorKind::Server),
                        e.message.as_deref().unwrap_or("upstream stream error"),
                    ),
                    None => (ErrorKind::Server, "upstream stream error"),
                };
                write_client_error(Api::OpenAiChat, kind, message, out);
                self.done = true;
            }
            _ => {}
        }
        Ok(())
    }

    fn end_early(&mut self, out: &mut BytesMut) -> Result<(), TranslateError> {
        // The upstream ended without `message_stop`: still give the client a complete stream.
        self.close(out);
        Ok(())
    }

    fn usage(&self) -> Usage {
        Usage::from_anthropic(
            self.input,
            self.output,
            self.cache_read,
            self.cache_creation,
        )
    }
}
