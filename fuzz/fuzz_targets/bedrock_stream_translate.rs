//! `bedrock_stream_translate`: ConverseStream event streams built from fuzz input go through both Bedrock
//! stream translators. None may panic, the output must not depend on chunking, and once the translator
//! ends the stream nothing more is written.
//!
//! Input: a selector byte (client API, usage, cut, chunk size), then segments separated by `0xff`; each
//! segment's first byte picks the message kind (an event type, an exception, an unknown message type, or
//! raw unframed bytes) and the rest is its payload.

#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use plano_catalog::Api;
use plano_translate::{ResponseContext, stream_translator};
use plano_wire::bedrock::eventstream::{Header, encode_event, encode_exception, encode_message};

const EVENTS: [&str; 8] = [
    "messageStart",
    "contentBlockStart",
    "contentBlockDelta",
    "contentBlockStop",
    "messageStop",
    "metadata",
    "contentBlockDelta",
    "futureEvent",
];

fn build(data: &[u8]) -> Vec<u8> {
    let mut out = BytesMut::new();
    for segment in data.split(|&b| b == 0xff) {
        let Some((&kind, payload)) = segment.split_first() else {
            continue;
        };
        let _ = match kind % 12 {
            k @ 0..8 => encode_event(&mut out, EVENTS[usize::from(k)], payload),
            8 => encode_exception(&mut out, "throttlingException", payload),
            9 => encode_exception(&mut out, "modelStreamErrorException", payload),
            10 => encode_message(
                &mut out,
                &[Header::string(":message-type", "ping")],
                payload,
            ),
            _ => {
                out.extend_from_slice(payload);
                Ok(())
            }
        };
    }
    out.to_vec()
}

fn run(client: Api, include_usage: bool, chunks: &[&[u8]], cut: bool) -> Vec<u8> {
    let mut ctx = ResponseContext::new(1, "req");
    ctx.include_usage = include_usage;
    ctx.fallback_model = "m".into();
    let mut t = stream_translator(Api::BedrockConverse, client, ctx);
    let mut out = BytesMut::new();
    for chunk in chunks {
        let _ = t.push(chunk, &mut out);
    }
    if cut {
        t.fail("cut", &mut out);
    } else {
        let _ = t.finish(&mut out);
    }
    let len = out.len();
    let mut more = BytesMut::new();
    let _ = encode_event(
        &mut more,
        "contentBlockDelta",
        br#"{"contentBlockIndex":0,"delta":{"text":"x"}}"#,
    );
    let _ = t.push(&more, &mut out);
    let _ = t.finish(&mut out);
    t.fail("again", &mut out);
    assert_eq!(out.len(), len, "written after the end");
    let _ = t.usage();
    out.to_vec()
}

fuzz_target!(|input: &[u8]| {
    let Some((&seed, data)) = input.split_first() else {
        return;
    };
    let client = if seed & 1 == 0 {
        Api::OpenAiChat
    } else {
        Api::AnthropicMessages
    };
    let include_usage = seed & 2 != 0;
    let cut = seed & 4 != 0;
    let wire = build(data);
    let whole = run(client, include_usage, &[&wire], cut);
    let step = usize::from(seed >> 3) + 1;
    let chunks: Vec<&[u8]> = wire.chunks(step).collect();
    assert_eq!(run(client, include_usage, &chunks, cut), whole);
});
