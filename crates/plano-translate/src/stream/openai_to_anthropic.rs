//! OpenAI Chat Completions chunks (upstream) → Anthropic Messages stream (client).
//!
//! - The first chunk produces `message_start` (id and model from the chunk).
//! - Content blocks get sequential indices: reasoning (`reasoning_content` or `reasoning`) → a thinking
//!   block, `content` and `refusal` → a text block, each tool call → its own `tool_use` block. Starting a
//!   block of another kind closes the open one, so at most one block is open and every block is closed.
//! - Tool argument fragments → `input_json_delta` on their call's block. Calls are told apart by `index`,
//!   and by `id` for providers that reuse index 0 for every call; a call without an id gets one derived from
//!   the request id.
//! - `finish_reason` and usage (which arrives after it, in a chunk with empty `choices`) are held until
//!   `[DONE]` (or the end of the body), then written as one `message_delta` followed by `message_stop`.
//! - A chunk with an `error` object → an Anthropic `error` event, and nothing after it.

use bytes::BytesMut;
use plano_catalog::Api;
use plano_wire::error::ErrorKind;
use plano_wire::json_str::{raw_str, to_json_string};
use plano_wire::openai::view::{ChunkView, ToolCallDeltaView};
use plano_wire::sse::{SseDecoder, SseFrame};
use serde_json::value::RawValue;

use super::anthropic_out as emit;
use super::driver::{Driven, EventMachine, invalid_stream};
use super::write_client_error;
use crate::{ResponseContext, TranslateError, Usage, openai_to_anthropic_stop};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Text,
    Thinking,
    Tool,
}

struct ToolSlot {
    openai_index: u32,
    block: u32,
    id: String,
}

/// See the module docs.
pub type OpenAiToAnthropic = Driven<SseDecoder, Machine>;

/// The event machine behind [`OpenAiToAnthropic`].
pub struct Machine {
    ctx: ResponseContext,
    started: bool,
    open: Option<(u32, BlockKind)>,
    next_block: u32,
    tools: Vec<ToolSlot>,
    stop_reason: Option<&'static str>,
    refused: bool,
    usage: Usage,
    done: bool,
}

impl OpenAiToAnthropic {
    pub fn new(ctx: ResponseContext) -> Self {
        Driven::from_parts(
            SseDecoder::new(),
            Machine {
                ctx,
                started: false,
                open: None,
                next_block: 0,
                tools: Vec::new(),
                stop_reason: None,
                refused: false,
                usage: Usage::default(),
                done: false,
            },
        )
    }
}

impl Machine {
    fn start(&mut self, out: &mut BytesMut, id: Option<&RawValue>, model: Option<&RawValue>) {
        if std::mem::replace(&mut self.started, true) {
            return;
        }
        // Upstream id/model are JSON string tokens already; copy them when they are non-empty strings.
        let id_fallback;
        let id = match raw_str(id) {
            Some(raw) => raw,
            None => {
                id_fallback = to_json_string(&self.ctx.request_id);
                &id_fallback
            }
        };
        let model_fallback;
        let model = match raw_str(model) {
            Some(raw) => raw,
            None => {
                model_fallback = to_json_string(&self.ctx.fallback_model);
                &model_fallback
            }
        };
        emit::message_start(out, id, model);
    }

    /// Makes a block of `kind` the open one. Text and thinking blocks continue if already open; every tool
    /// call gets a new block.
    fn ensure_block(&mut self, out: &mut BytesMut, kind: BlockKind) -> u32 {
        if let Some((index, open)) = self.open
            && open == kind
            && kind != BlockKind::Tool
        {
            return index;
        }
        self.close_block(out);
        let index = self.next_block;
        self.next_block += 1;
        match kind {
            BlockKind::Text => emit::text_start(out, index),
            BlockKind::Thinking => emit::thinking_start(out, index),
            // Tool blocks are opened by `tool_block`, which has the id and name.
            BlockKind::Tool => {}
        }
        self.open = Some((index, kind));
        index
    }

    fn close_block(&mut self, out: &mut BytesMut) {
        if let Some((index, _)) = self.open.take() {
            emit::block_stop(out, index);
        }
    }

    /// The block of the call a tool-call fragment belongs to, opening a new block for a new call.
    ///
    /// A fragment starts a new call when it has an id not seen before, or no id but an index not seen
    /// before, or neither but a function name (names only come with a call's first fragment). Anything
    /// else continues the call with that id, else that index, else the latest call.
    fn tool_block(&mut self, out: &mut BytesMut, call: &ToolCallDeltaView<'_>) -> u32 {
        let id = call.id.as_deref().filter(|id| !id.is_empty());
        let name = call
            .function
            .as_ref()
            .and_then(|f| f.name.as_deref())
            .filter(|n| !n.is_empty());
        let existing = match (id, call.index) {
            (Some(id), _) => self.tools.iter().rev().find(|t| t.id == id),
            (None, Some(index)) => self.tools.iter().rev().find(|t| t.openai_index == index),
            (None, None) if name.is_some() => None,
            (None, None) => self.tools.last(),
        };
        if let Some(slot) = existing {
            return slot.block;
        }
        let ordinal = self.tools.len();
        let id = id.map_or_else(
            || format!("toolu_{}_{ordinal}", self.ctx.request_id),
            str::to_owned,
        );
        let block = self.ensure_block(out, BlockKind::Tool);
        emit::tool_start(out, block, &id, name.unwrap_or_default());
        self.tools.push(ToolSlot {
            openai_index: call
                .index
                .unwrap_or(u32::try_from(ordinal).unwrap_or(u32::MAX)),
            block,
            id,
        });
        block
    }

    /// Closes the open block, writes `message_delta` and `message_stop`.
    fn close(&mut self, out: &mut BytesMut) {
        self.start(out, None, None);
        self.close_block(out);
        let stop = if self.refused {
            "refusal"
        } else {
            self.stop_reason.unwrap_or("end_turn")
        };
        emit::message_delta(out, stop, &self.usage);
        emit::message_stop(out);
        self.done = true;
    }
}

impl EventMachine for Machine {
    type Frame = SseFrame;
    const UPSTREAM: Api = Api::OpenAiChat;
    const CLIENT: Api = Api::AnthropicMessages;

    fn done(&mut self) -> &mut bool {
        &mut self.done
    }

    fn on_frame(&mut self, frame: &SseFrame, out: &mut BytesMut) -> Result<(), TranslateError> {
        if self.done || frame.data.is_empty() {
            return Ok(());
        }
        if frame.is_done() {
            self.close(out);
            return Ok(());
        }
        let chunk: ChunkView<'_> =
            serde_json::from_slice(&frame.data).map_err(|e| invalid_stream(Self::UPSTREAM, e))?;
        if let Some(error) = &chunk.error {
            let kind = error
                .kind
                .as_deref()
                .and_then(ErrorKind::from_type_str)
                .unwrap_or(ErrorKind::Server);
            let message = error.message.as_deref().unwrap_or("upstream stream error");
            write_client_error(Api::AnthropicMessages, kind, message, out);
            self.done = true;
            return Ok(());
        }
        self.start(out, chunk.id, chunk.model);
        if let Some(usage) = &chunk.usage {
            self.usage = Usage::from_openai(
                usage.prompt_tokens.unwrap_or(0),
                usage.completion_tokens.unwrap_or(0),
                usage.cached_tokens().unwrap_or(0),
            );
        }
        let Some(choice) = chunk.choices.0 else {
            return Ok(());
        };
        if let Some(delta) = &choice.delta {
            if let Some(raw) = raw_str(delta.reasoning_content).or_else(|| raw_str(delta.reasoning))
            {
                let index = self.ensure_block(out, BlockKind::Thinking);
                emit::thinking_delta(out, index, raw);
            }
            if let Some(raw) = raw_str(delta.content) {
                let index = self.ensure_block(out, BlockKind::Text);
                emit::text_delta(out, index, raw);
            }
            if let Some(raw) = raw_str(delta.refusal) {
                self.refused = true;
                let index = self.ensure_block(out, BlockKind::Text);
                emit::text_delta(out, index, raw);
            }
            for call in delta.tool_calls.iter().flatten() {
                let block = self.tool_block(out, call);
                if let Some(raw) = raw_str(call.function.as_ref().and_then(|f| f.arguments)) {
                    // Normally `block` is the open block. A provider interleaving fragments of parallel
                    // calls would address a closed one; the index still tells clients where it belongs.
                    emit::input_json_delta(out, block, raw);
                }
            }
        }
        if let Some(reason) = choice.finish_reason.as_deref() {
            self.stop_reason = Some(openai_to_anthropic_stop(reason));
        }
        Ok(())
    }

    fn end_early(&mut self, out: &mut BytesMut) -> Result<(), TranslateError> {
        // No `[DONE]`: several OpenAI-compatible servers just close the stream.
        self.close(out);
        Ok(())
    }

    fn usage(&self) -> Usage {
        self.usage
    }
}
