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
use plano_wire::bedrock::eventstream::EventStreamDecoder;
use plano_wire::bedrock::view::EventView;
use plano_wire::json_str::raw_str;

use super::bedrock_in::{self, Converse};
use super::driver::Driven;
use super::openai_out::{self, ChunkWriter};
use crate::stop_reason::bedrock_to_openai_finish;
use crate::{ResponseContext, Usage};

/// See the module docs.
pub type BedrockToOpenAi = Driven<EventStreamDecoder, Machine>;

/// The event machine behind [`BedrockToOpenAi`].
pub struct Machine {
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
        Driven::from_parts(
            EventStreamDecoder::new(),
            Machine {
                ctx,
                writer: None,
                tools: Vec::new(),
                finish_reason: None,
                usage: Usage::default(),
                done: false,
            },
        )
    }
}

impl Machine {
    fn writer(&mut self, out: &mut BytesMut) -> &ChunkWriter {
        let ctx = &self.ctx;
        self.writer.get_or_insert_with(|| {
            let writer = ChunkWriter::new(&ctx.request_id, ctx.created_unix, &ctx.fallback_model);
            writer.role(out);
            writer
        })
    }
}

impl Converse for Machine {
    const CLIENT: Api = Api::OpenAiChat;

    fn done(&mut self) -> &mut bool {
        &mut self.done
    }

    fn stopped(&self) -> bool {
        self.finish_reason.is_some()
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

    fn usage(&self) -> Usage {
        self.usage
    }
}
