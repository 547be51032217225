//! `translate_response`: arbitrary upstream response and error bodies through every direction (Bedrock
//! included). Errors are fine; panics are not; successful outputs and every error envelope must be JSON
//! objects.

#![no_main]

use libfuzzer_sys::fuzz_target;
use plano_catalog::Api;
use plano_translate::{ResponseContext, translate_error_body, translate_response};

fuzz_target!(|input: &[u8]| {
    let Some((&seed, body)) = input.split_first() else {
        return;
    };
    let (upstream, client) = match seed & 3 {
        0 => (Api::AnthropicMessages, Api::OpenAiChat),
        1 => (Api::OpenAiChat, Api::AnthropicMessages),
        2 => (Api::BedrockConverse, Api::OpenAiChat),
        _ => (Api::BedrockConverse, Api::AnthropicMessages),
    };
    let ctx = ResponseContext::new(1, "req");
    if let Ok(out) = translate_response(upstream, client, body, &ctx) {
        let value: serde_json::Value =
            serde_json::from_slice(&out).expect("translated response is JSON");
        assert!(value.is_object());
    }
    let status = 400 + u16::from(seed >> 2);
    let envelope: serde_json::Value =
        serde_json::from_slice(&translate_error_body(upstream, client, status, body))
            .expect("error envelope is JSON");
    assert!(envelope.is_object());
});
