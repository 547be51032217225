//! Same-API stream passthrough: bytes come out exactly as they went in (whatever the chunking), usage is
//! observed on the way, and a failure mid-line ends the stream with a clean error event.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use bytes::BytesMut;
use plano_catalog::Api;
use plano_translate::stream::Passthrough;
use plano_translate::{StreamTranslator, Usage};
use proptest::prelude::*;

/// Upstream-format fixtures: Anthropic streams live in the pair with an Anthropic upstream, and so on.
fn fixtures() -> Vec<(Api, String, Vec<u8>)> {
    let anthropic = common::fixtures("openai_client_anthropic_upstream", "streams", "sse")
        .into_iter()
        .map(|(n, b)| (Api::AnthropicMessages, n, b));
    let openai = common::fixtures("anthropic_client_openai_upstream", "streams", "sse")
        .into_iter()
        .map(|(n, b)| (Api::OpenAiChat, n, b));
    anthropic.chain(openai).collect()
}

fn run(api: Api, chunks: &[&[u8]], cut: bool) -> (Vec<u8>, Usage) {
    let mut t = Passthrough::new(api);
    let mut out = BytesMut::new();
    for c in chunks {
        t.push(c, &mut out).unwrap();
    }
    if cut {
        t.fail("upstream connection reset", &mut out);
    } else {
        t.finish(&mut out).unwrap();
    }
    (out.to_vec(), t.usage())
}

#[test]
fn bytes_pass_unchanged() {
    for (api, name, input) in fixtures()
        .into_iter()
        .filter(|(_, n, _)| !n.contains("cut"))
    {
        let (out, _) = run(api, &[&input], false);
        // A stream that ends without the blank line after its last event gets one, so the event dispatches.
        assert!(
            out == input || out == [&input[..], b"\n\n"].concat(),
            "{name}"
        );
    }
}

#[test]
fn usage_is_observed() {
    let all = fixtures();
    let find = |name: &str, api: Api| {
        all.iter()
            .find(|(a, n, _)| *a == api && n == name)
            .unwrap()
            .2
            .clone()
    };
    let (_, usage) = run(
        Api::AnthropicMessages,
        &[&find("usage_cache_cumulative", Api::AnthropicMessages)],
        false,
    );
    assert_eq!(
        usage,
        Usage {
            input_tokens: 132,
            output_tokens: 7,
            cached_input_tokens: 100
        }
    );
    let (_, usage) = run(
        Api::OpenAiChat,
        &[&find("usage_cached", Api::OpenAiChat)],
        false,
    );
    assert_eq!(
        usage,
        Usage {
            input_tokens: 1117,
            output_tokens: 46,
            cached_input_tokens: 1024
        }
    );
}

#[test]
fn failure_mid_line_drops_the_partial_line() {
    let cases: [(Api, &[u8]); 3] = [
        (Api::OpenAiChat, b"data: {\"a\":1}\n\ndata: {\"trunc"),
        (Api::AnthropicMessages, b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\"}\n\nevent: content_block_delta\nda"),
        // Mid-event: a complete `event:` line was forwarded, so the event is ended before the error.
        (Api::AnthropicMessages, b"event: content_block_delta\n"),
    ];
    let outputs: Vec<String> = cases
        .iter()
        .map(|(api, input)| String::from_utf8(run(*api, &[input], true).0).unwrap())
        .collect();
    insta::assert_snapshot!(outputs.join("-----\n"));
}

#[test]
fn no_error_after_a_complete_stream() {
    let (out, _) = run(Api::OpenAiChat, &[b"data: {}\n\ndata: [DONE]\n\n"], true);
    assert_eq!(out, b"data: {}\n\ndata: [DONE]\n\n");
}

proptest! {
    #[test]
    fn chunking_never_changes_the_output(pick in any::<prop::sample::Index>(), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..16)) {
        let all = fixtures();
        let (api, name, input) = &all[pick.index(all.len())];
        let cut = name.contains("cut");
        let whole = run(*api, &[input], cut);
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(input.len() + 1)).collect();
        points.sort_unstable();
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut prev = 0;
        for p in points {
            chunks.push(&input[prev..p]);
            prev = p;
        }
        chunks.push(&input[prev..]);
        prop_assert_eq!(run(*api, &chunks, cut), whole);
    }
}
