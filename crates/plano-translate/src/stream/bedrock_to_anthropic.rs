//! Bedrock ConverseStream (upstream, AWS event-stream) → Anthropic Messages stream (client).
//!
//! - `messageStart` → `message_start` (id: the gateway request id; model: the model requested);
//! - Bedrock content blocks map one to one onto Anthropic blocks, numbered in order: text deltas open a
//!   text block, reasoning deltas a thinking block (its signature → `signature_delta`), a `toolUse` start a
//!   `tool_use` block whose input fragments become `input_json_delta`s; redacted reasoning becomes a whole
//!   `redacted_thinking` block. At most one block is open; a delta for another block (or of another kind)
//!   closes it, and so does `contentBlockStop`;
//! - `messageStop` records the stop reason; `metadata`, which follows it, carries usage. `message_delta`
//!   (stop reason and usage) and `message_stop` are written at `metadata`, or at the end of the body if
//!   it never comes; a body that ends before `messageStop` was cut short and ends with an error event;
//! - an exception → an Anthropic `error` event, nothing after it; a framing or payload error likewise.

use bytes::BytesMut;
use plano_catalog::Api;
use plano_wire::bedrock::eventstream::EventStreamDecoder;
use plano_wire::bedrock::view::EventView;
use plano_wire::json_str::{raw_str, to_json_string};

use super::anthropic_out as emit;
use super::bedrock_in::{self, Converse};
use super::driver::Driven;
use crate::stop_reason::bedrock_to_anthropic_stop;
use crate::{ResponseContext, Usage};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Thinking,
    Tool,
}

/// The open Anthropic block: which Bedrock block it comes from, its index, its kind.
#[derive(Debug, Clone, Copy)]
struct Open {
    source: u32,
    index: u32,
    kind: Kind,
}

/// See the module docs.
pub type BedrockToAnthropic = Driven<EventStreamDecoder, Machine>;

/// The event machine behind [`BedrockToAnthropic`].
pub struct Machine {
    ctx: ResponseContext,
    started: bool,
    open: Option<Open>,
    next_block: u32,
    stop_reason: Option<&'static str>,
    usage: Usage,
    done: bool,
}

impl BedrockToAnthropic {
    pub fn new(ctx: ResponseContext) -> Self {
        Driven::from_parts(
            EventStreamDecoder::new(),
            Machine {
                ctx,
                started: false,
                open: None,
                next_block: 0,
                stop_reason: None,
                usage: Usage::default(),
                done: false,
            },
        )
    }
}

impl Machine {
    fn start(&mut self, out: &mut BytesMut) {
        if !std::mem::replace(&mut self.started, true) {
            let id = to_json_string(&self.ctx.request_id);
            let model = to_json_string(&self.ctx.fallback_model);
            emit::message_start(out, &id, &model);
        }
    }

    fn close_block(&mut self, out: &mut BytesMut) {
        if let Some(open) = self.open.take() {
            emit::block_stop(out, open.index);
        }
    }

    /// Opens a new block for Bedrock block `source`, closing the open one.
    fn new_block(&mut self, out: &mut BytesMut, source: u32, kind: Kind) -> u32 {
        self.close_block(out);
        let index = self.next_block;
        self.next_block += 1;
        self.open = Some(Open {
            source,
            index,
            kind,
        });
        index
    }

    /// The index of the open text or thinking block for `source`, opening one if needed.
    fn ensure_block(&mut self, out: &mut BytesMut, source: u32, kind: Kind) -> u32 {
        if let Some(open) = self.open
            && open.source == source
            && open.kind == kind
        {
            return open.index;
        }
        let index = self.new_block(out, source, kind);
        match kind {
            Kind::Thinking => emit::thinking_start(out, index),
            _ => emit::text_start(out, index),
        }
        index
    }
}

impl Converse for Machine {
    const CLIENT: Api = Api::AnthropicMessages;

    fn done(&mut self) -> &mut bool {
        &mut self.done
    }

    fn stopped(&self) -> bool {
        self.stop_reason.is_some()
    }

    fn on_event(&mut self, name: &str, ev: EventView<'_>, out: &mut BytesMut) {
        let source = ev.content_block_index.unwrap_or(0);
        match name {
            "messageStart" => self.start(out),
            "contentBlockStart" => {
                let Some(tool) = ev.start.and_then(|s| s.tool_use) else {
                    return;
                };
                self.start(out);
                let index = self.new_block(out, source, Kind::Tool);
                let id = tool.tool_use_id.as_deref().unwrap_or_default();
                let name = tool.name.as_deref().unwrap_or_default();
                emit::tool_start(out, index, id, name);
            }
            "contentBlockDelta" => {
                let Some(delta) = ev.delta else { return };
                self.start(out);
                if let Some(raw) = raw_str(delta.text) {
                    let index = self.ensure_block(out, source, Kind::Text);
                    emit::text_delta(out, index, raw);
                }
                if let Some(raw) = raw_str(delta.tool_use.and_then(|t| t.input)) {
                    // Input only belongs to the tool block its start opened.
                    if let Some(open) = self.open
                        && open.source == source
                        && open.kind == Kind::Tool
                    {
                        emit::input_json_delta(out, open.index, raw);
                    }
                }
                if let Some(reasoning) = delta.reasoning_content {
                    if let Some(raw) = raw_str(reasoning.text) {
                        let index = self.ensure_block(out, source, Kind::Thinking);
                        emit::thinking_delta(out, index, raw);
                    }
                    if let Some(raw) = raw_str(reasoning.signature) {
                        let index = self.ensure_block(out, source, Kind::Thinking);
                        emit::signature_delta(out, index, raw);
                    }
                    if let Some(raw) = raw_str(reasoning.redacted_content) {
                        let index = self.new_block(out, source, Kind::Thinking);
                        emit::redacted_thinking_start(out, index, raw);
                        self.close_block(out);
                    }
                }
            }
            "contentBlockStop" if self.open.is_some_and(|o| o.source == source) => {
                self.close_block(out);
            }
            "messageStop" => {
                let reason = ev.stop_reason.as_deref().unwrap_or("end_turn");
                self.stop_reason = Some(bedrock_to_anthropic_stop(reason));
            }
            "metadata" => {
                if let Some(u) = ev.usage {
                    self.usage = bedrock_in::usage(u);
                }
                if self.stop_reason.is_some() {
                    self.close(out);
                }
            }
            _ => {}
        }
    }

    /// Closes the open block, writes `message_delta` and `message_stop`.
    fn close(&mut self, out: &mut BytesMut) {
        self.start(out);
        self.close_block(out);
        emit::message_delta(out, self.stop_reason.unwrap_or("end_turn"), &self.usage);
        emit::message_stop(out);
        self.done = true;
    }

    fn usage(&self) -> Usage {
        self.usage
    }
}
