//! Writes OpenAI `chat.completion.chunk` events. The constant head of every chunk (id, object, created,
//! model) is rendered once per stream; each chunk is that head plus a small hand-written tail.

use std::fmt::Write as _;

use bytes::{BufMut, BytesMut};
use plano_wire::json_str::write_json_string;

use crate::Usage;

pub(crate) struct ChunkWriter {
    /// `data: {"id":..,"object":"chat.completion.chunk","created":..,"model":..,"choices":[`
    head: Vec<u8>,
}

const CHOICE_OPEN: &[u8] = b"{\"index\":0,\"delta\":{";
const CHOICE_CLOSE: &[u8] = b"},\"logprobs\":null,\"finish_reason\":null}]}\n\n";

impl ChunkWriter {
    pub(crate) fn new(id: &str, created: u64, model: &str) -> Self {
        let mut head = Vec::with_capacity(96 + id.len() + model.len());
        head.extend_from_slice(b"data: {\"id\":");
        write_json_string(&mut head, id);
        head.extend_from_slice(b",\"object\":\"chat.completion.chunk\",\"created\":");
        head.extend_from_slice(created.to_string().as_bytes());
        head.extend_from_slice(b",\"model\":");
        write_json_string(&mut head, model);
        head.extend_from_slice(b",\"choices\":[");
        ChunkWriter { head }
    }

    fn delta(&self, out: &mut BytesMut, body: &[&[u8]]) {
        out.reserve(
            self.head.len()
                + CHOICE_OPEN.len()
                + CHOICE_CLOSE.len()
                + body.iter().map(|b| b.len()).sum::<usize>(),
        );
        out.put_slice(&self.head);
        out.put_slice(CHOICE_OPEN);
        for part in body {
            out.put_slice(part);
        }
        out.put_slice(CHOICE_CLOSE);
    }

    /// The first chunk: the assistant role.
    pub(crate) fn role(&self, out: &mut BytesMut) {
        self.delta(out, &[b"\"role\":\"assistant\",\"content\":\"\""]);
    }

    /// Text; `raw` is a JSON string token.
    pub(crate) fn content(&self, out: &mut BytesMut, raw: &str) {
        self.delta(out, &[b"\"content\":", raw.as_bytes()]);
    }

    /// Reasoning text; `raw` is a JSON string token.
    pub(crate) fn reasoning(&self, out: &mut BytesMut, raw: &str) {
        self.delta(out, &[b"\"reasoning_content\":", raw.as_bytes()]);
    }

    /// The first fragment of tool call number `index`.
    pub(crate) fn tool_start(&self, out: &mut BytesMut, index: u32, id: &str, name: &str) {
        let mut call = Vec::with_capacity(64 + id.len() + name.len());
        call.extend_from_slice(b"\"tool_calls\":[{\"index\":");
        call.extend_from_slice(index.to_string().as_bytes());
        call.extend_from_slice(b",\"id\":");
        write_json_string(&mut call, id);
        call.extend_from_slice(b",\"type\":\"function\",\"function\":{\"name\":");
        write_json_string(&mut call, name);
        call.extend_from_slice(b",\"arguments\":\"\"}}]");
        self.delta(out, &[&call]);
    }

    /// More arguments for tool call number `index`; `raw` is a JSON string token.
    pub(crate) fn tool_args(&self, out: &mut BytesMut, index: u32, raw: &str) {
        out.reserve(self.head.len() + raw.len() + 96);
        out.put_slice(&self.head);
        out.put_slice(CHOICE_OPEN);
        // Writing to a BytesMut cannot fail.
        let _ = write!(
            out,
            "\"tool_calls\":[{{\"index\":{index},\"function\":{{\"arguments\":"
        );
        out.put_slice(raw.as_bytes());
        out.put_slice(b"}}]");
        out.put_slice(CHOICE_CLOSE);
    }

    /// The single chunk carrying `finish_reason`.
    pub(crate) fn finish(&self, out: &mut BytesMut, reason: &str) {
        out.put_slice(&self.head);
        out.put_slice(b"{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":");
        write_json_string(out, reason);
        out.put_slice(b"}]}\n\n");
    }

    /// The usage chunk (empty `choices`), as OpenAI sends it with `stream_options.include_usage`.
    pub(crate) fn usage(&self, out: &mut BytesMut, usage: &Usage) {
        out.put_slice(&self.head);
        // Writing to a BytesMut cannot fail.
        let _ = write!(
            out,
            "],\"usage\":{{\"prompt_tokens\":{},\"completion_tokens\":{},\"total_tokens\":{},\"prompt_tokens_details\":{{\"cached_tokens\":{}}}}}}}\n\n",
            usage.input_tokens,
            usage.output_tokens,
            usage.total_tokens(),
            usage.cached_input_tokens
        );
    }
}

/// The end-of-stream sentinel.
pub(crate) fn done(out: &mut BytesMut) {
    out.put_slice(b"data: [DONE]\n\n");
}
