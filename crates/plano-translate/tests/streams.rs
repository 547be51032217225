//! Stream translation: every `tests/fixtures/<pair>/streams/*.sse` is fed through its translator and the
//! client bytes are snapshotted. Every output is also checked for well-formedness, and fed again in random
//! chunk splits (mid-line, mid-UTF-8) to prove the output does not depend on chunking.
//!
//! Conventions: a fixture whose name contains `cut` ends with `fail()` instead of `finish()`; one containing
//! `no_include_usage` is run without `stream_options.include_usage`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use bytes::BytesMut;
use plano_catalog::Api;
use plano_translate::{ResponseContext, StreamTranslator, Usage, stream_translator};
use proptest::prelude::*;

const A2O: &str = "openai_client_anthropic_upstream";
const O2A: &str = "anthropic_client_openai_upstream";

fn apis(pair: &str) -> (Api, Api) {
    match pair {
        A2O => (Api::AnthropicMessages, Api::OpenAiChat),
        _ => (Api::OpenAiChat, Api::AnthropicMessages),
    }
}

fn translator(pair: &str, name: &str) -> Box<dyn StreamTranslator> {
    let (upstream, client) = apis(pair);
    let mut ctx = ResponseContext::new(1_700_000_000, "req-1");
    ctx.include_usage = !name.contains("no_include_usage");
    ctx.fallback_model = "fallback-model".into();
    stream_translator(upstream, client, ctx)
}

/// Feeds `chunks`, then finishes (or fails, for `cut` fixtures). Returns client bytes plus a trailer naming
/// any error the translator returned.
fn drive(t: &mut dyn StreamTranslator, name: &str, chunks: &[&[u8]]) -> String {
    let mut out = BytesMut::new();
    let mut errors = Vec::new();
    for chunk in chunks {
        if let Err(e) = t.push(chunk, &mut out) {
            errors.push(format!("push: {e}"));
        }
    }
    if name.contains("cut") {
        t.fail("upstream connection reset", &mut out);
    } else if let Err(e) = t.finish(&mut out) {
        errors.push(format!("finish: {e}"));
    }
    let mut text = String::from_utf8(out.to_vec()).unwrap();
    for e in errors {
        text.push_str(&format!("# {e}\n"));
    }
    text
}

fn check(pair: &str, text: &str) {
    let body = text.split("\n# ").next().unwrap();
    match apis(pair).1 {
        Api::OpenAiChat => common::checks::check_openai(body),
        _ => common::checks::check_anthropic(body),
    }
}

fn run_pair(pair: &str) {
    for (name, input) in common::fixtures(pair, "streams", "sse") {
        let text = drive(translator(pair, &name).as_mut(), &name, &[&input]);
        check(pair, &text);
        insta::assert_snapshot!(format!("{pair}__{name}"), text);
        // Byte at a time: every possible split point at once.
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(
            drive(translator(pair, &name).as_mut(), &name, &bytes),
            text,
            "{name}: byte-wise"
        );
    }
}

#[test]
fn anthropic_upstream_openai_client() {
    run_pair(A2O);
}

#[test]
fn openai_upstream_anthropic_client() {
    run_pair(O2A);
}

fn usage_of(pair: &str, name: &str) -> Usage {
    let input =
        std::fs::read(common::fixture_dir(pair, "streams").join(format!("{name}.sse"))).unwrap();
    let mut t = translator(pair, name);
    drive(t.as_mut(), name, &[&input]);
    t.usage()
}

#[test]
fn usage_is_reported_in_openai_convention() {
    assert_eq!(
        usage_of(A2O, "usage_cache_cumulative"),
        Usage {
            input_tokens: 132,
            output_tokens: 7,
            cached_input_tokens: 100
        }
    );
    assert_eq!(
        usage_of(O2A, "usage_cached"),
        Usage {
            input_tokens: 1117,
            output_tokens: 46,
            cached_input_tokens: 1024
        }
    );
    assert_eq!(
        usage_of(O2A, "usage_in_finish_chunk_deepseek"),
        Usage {
            input_tokens: 10,
            output_tokens: 2,
            cached_input_tokens: 4
        }
    );
}

#[test]
fn garbage_from_upstream_ends_the_client_stream_with_an_error() {
    for pair in [A2O, O2A] {
        let mut t = translator(pair, "garbage");
        let mut out = BytesMut::new();
        assert!(t.push(b"data: {not json}\n\n", &mut out).is_err());
        let after = out.len();
        assert!(t.push(b"data: [DONE]\n\n", &mut out).is_ok());
        t.fail("again", &mut out);
        t.finish(&mut out).unwrap();
        assert_eq!(out.len(), after, "nothing after the error event");
        let text = String::from_utf8(out.to_vec()).unwrap();
        check(pair, &text);
        insta::assert_snapshot!(format!("{pair}__garbage"), text);
    }
}

#[test]
fn unsupported_pair_fails_the_stream() {
    let mut t = stream_translator(
        Api::OpenAiResponses,
        Api::AnthropicMessages,
        ResponseContext::default(),
    );
    let mut out = BytesMut::new();
    assert!(t.push(b"x", &mut out).is_err());
    assert!(String::from_utf8_lossy(&out).starts_with("event: error\n"));
}

fn all_fixtures() -> Vec<(&'static str, String, Vec<u8>)> {
    [A2O, O2A]
        .into_iter()
        .flat_map(|pair| {
            common::fixtures(pair, "streams", "sse")
                .into_iter()
                .map(move |(n, b)| (pair, n, b))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn chunking_never_changes_the_output(pick in any::<prop::sample::Index>(), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..16)) {
        let fixtures = all_fixtures();
        let (pair, name, input) = &fixtures[pick.index(fixtures.len())];
        let whole = drive(translator(pair, name).as_mut(), name, &[input]);
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(input.len() + 1)).collect();
        points.sort_unstable();
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut prev = 0;
        for p in points {
            chunks.push(&input[prev..p]);
            prev = p;
        }
        chunks.push(&input[prev..]);
        prop_assert_eq!(drive(translator(pair, name).as_mut(), name, &chunks), whole);
    }
}
