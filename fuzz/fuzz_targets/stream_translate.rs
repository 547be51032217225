//! `stream_translate`: arbitrary upstream bytes into every stream translator. None may panic, the output
//! must not depend on how the input is chunked, and once the translator ends the stream nothing more is
//! written.

#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use plano_catalog::Api;
use plano_translate::{ResponseContext, stream_translator};

const PAIRS: [(Api, Api); 4] = [
    (Api::AnthropicMessages, Api::OpenAiChat),
    (Api::OpenAiChat, Api::AnthropicMessages),
    (Api::OpenAiChat, Api::OpenAiChat),
    (Api::AnthropicMessages, Api::AnthropicMessages),
];

fn run(pair: (Api, Api), include_usage: bool, chunks: &[&[u8]], cut: bool) -> Vec<u8> {
    let mut ctx = ResponseContext::new(1, "req");
    ctx.include_usage = include_usage;
    let mut t = stream_translator(pair.0, pair.1, ctx);
    let mut out = BytesMut::new();
    for chunk in chunks {
        let _ = t.push(chunk, &mut out);
    }
    if cut {
        t.fail("cut", &mut out);
    } else {
        let _ = t.finish(&mut out);
    }
    // Ended: more input and more endings write nothing (passthrough forwards input until it fails, so
    // only translators are held to this).
    if pair.0 != pair.1 {
        let len = out.len();
        let _ = t.push(b"data: [DONE]\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", &mut out);
        let _ = t.finish(&mut out);
        t.fail("again", &mut out);
        assert_eq!(out.len(), len);
    }
    let _ = t.usage();
    out.to_vec()
}

fuzz_target!(|input: &[u8]| {
    let Some((&seed, data)) = input.split_first() else { return };
    let pair = PAIRS[usize::from(seed & 3)];
    let include_usage = seed & 4 != 0;
    let cut = seed & 8 != 0;
    let whole = run(pair, include_usage, &[data], cut);
    let step = usize::from(seed >> 4) + 1;
    let chunks: Vec<&[u8]> = data.chunks(step).collect();
    assert_eq!(run(pair, include_usage, &chunks, cut), whole);
});
