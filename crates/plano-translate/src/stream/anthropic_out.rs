//! Writes Anthropic Messages stream events (`event: <type>\ndata: <json>\n\n`), hand-rendered: the shapes
//! are small and fixed, and text arrives as raw JSON string tokens to be copied, not re-encoded.

use std::fmt::Write as _;

use bytes::{BufMut, BytesMut};
use plano_wire::json_str::write_json_string;

use crate::Usage;

fn event(out: &mut BytesMut, name: &str) {
    out.put_slice(b"event: ");
    out.put_slice(name.as_bytes());
    out.put_slice(b"\ndata: ");
}

/// `message_start`. `id_json` and `model_json` are JSON string tokens.
pub(crate) fn message_start(out: &mut BytesMut, id_json: &str, model_json: &str) {
    event(out, "message_start");
    out.put_slice(b"{\"type\":\"message_start\",\"message\":{\"id\":");
    out.put_slice(id_json.as_bytes());
    out.put_slice(b",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
    out.put_slice(model_json.as_bytes());
    // Usage is not known until the end of an OpenAI stream; `message_delta` carries it.
    out.put_slice(
        b",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":0,\"output_tokens\":0}}}\n\n",
    );
}

fn block_start(out: &mut BytesMut, index: u32, block: &[u8]) {
    event(out, "content_block_start");
    let _ = write!(
        out,
        "{{\"type\":\"content_block_start\",\"index\":{index},\"content_block\":"
    );
    out.put_slice(block);
    out.put_slice(b"}\n\n");
}

pub(crate) fn text_start(out: &mut BytesMut, index: u32) {
    block_start(out, index, b"{\"type\":\"text\",\"text\":\"\"}");
}

pub(crate) fn thinking_start(out: &mut BytesMut, index: u32) {
    block_start(
        out,
        index,
        b"{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}",
    );
}

pub(crate) fn tool_start(out: &mut BytesMut, index: u32, id: &str, name: &str) {
    let mut block = Vec::with_capacity(48 + id.len() + name.len());
    block.extend_from_slice(b"{\"type\":\"tool_use\",\"id\":");
    write_json_string(&mut block, id);
    block.extend_from_slice(b",\"name\":");
    write_json_string(&mut block, name);
    block.extend_from_slice(b",\"input\":{}}");
    block_start(out, index, &block);
}

/// A complete `redacted_thinking` block start; `data_raw` is a JSON string token.
pub(crate) fn redacted_thinking_start(out: &mut BytesMut, index: u32, data_raw: &str) {
    let mut block = Vec::with_capacity(40 + data_raw.len());
    block.extend_from_slice(b"{\"type\":\"redacted_thinking\",\"data\":");
    block.extend_from_slice(data_raw.as_bytes());
    block.push(b'}');
    block_start(out, index, &block);
}

fn delta(out: &mut BytesMut, index: u32, kind: &str, field: &str, raw: &str) {
    event(out, "content_block_delta");
    let _ = write!(
        out,
        "{{\"type\":\"content_block_delta\",\"index\":{index},\"delta\":{{\"type\":\"{kind}\",\"{field}\":"
    );
    out.put_slice(raw.as_bytes());
    out.put_slice(b"}}\n\n");
}

pub(crate) fn text_delta(out: &mut BytesMut, index: u32, raw: &str) {
    delta(out, index, "text_delta", "text", raw);
}

pub(crate) fn thinking_delta(out: &mut BytesMut, index: u32, raw: &str) {
    delta(out, index, "thinking_delta", "thinking", raw);
}

/// The signature that closes a thinking block; `raw` is a JSON string token.
pub(crate) fn signature_delta(out: &mut BytesMut, index: u32, raw: &str) {
    delta(out, index, "signature_delta", "signature", raw);
}

pub(crate) fn input_json_delta(out: &mut BytesMut, index: u32, raw: &str) {
    delta(out, index, "input_json_delta", "partial_json", raw);
}

pub(crate) fn block_stop(out: &mut BytesMut, index: u32) {
    event(out, "content_block_stop");
    let _ = write!(
        out,
        "{{\"type\":\"content_block_stop\",\"index\":{index}}}\n\n"
    );
}

/// `message_delta` with the stop reason and the final usage (Anthropic convention).
pub(crate) fn message_delta(out: &mut BytesMut, stop_reason: &str, usage: &Usage) {
    event(out, "message_delta");
    out.put_slice(b"{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":");
    write_json_string(out, stop_reason);
    let _ = write!(
        out,
        ",\"stop_sequence\":null}},\"usage\":{{\"input_tokens\":{},\"cache_read_input_tokens\":{},\"output_tokens\":{}}}}}\n\n",
        usage.anthropic_input_tokens(),
        usage.cached_input_tokens,
        usage.output_tokens
    );
}

pub(crate) fn message_stop(out: &mut BytesMut) {
    out.put_slice(b"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
}
