//! `translate_request`: arbitrary request bodies through every request translator (Bedrock included).
//! Errors are fine; panics are not, and every successful translation must be a JSON object with the
//! upstream model (for Bedrock: with `messages` and no `model`, which travels in the URL).

#![no_main]

use libfuzzer_sys::fuzz_target;
use plano_catalog::Api;
use plano_translate::{RequestOptions, translate_request};

fuzz_target!(|input: &[u8]| {
    let Some((&seed, body)) = input.split_first() else {
        return;
    };
    let (client, upstream) = match seed & 3 {
        0 => (Api::OpenAiChat, Api::AnthropicMessages),
        1 => (Api::AnthropicMessages, Api::OpenAiChat),
        2 => (Api::OpenAiChat, Api::BedrockConverse),
        _ => (Api::AnthropicMessages, Api::BedrockConverse),
    };
    // Bedrock bodies vary with the model family (Claude gets `thinking`); try both.
    let model = if seed & 4 == 0 {
        "m"
    } else {
        "us.anthropic.claude-sonnet-4-20250514-v1:0"
    };
    let opts = RequestOptions::new(model);
    if let Ok(out) = translate_request(client, upstream, body, &opts) {
        let value: serde_json::Value =
            serde_json::from_slice(&out).expect("translated body is JSON");
        if upstream == Api::BedrockConverse {
            // The model travels in the URL; Converse rejects unknown members such as `model`.
            assert!(value.get("model").is_none());
            assert!(value["messages"].is_array());
        } else {
            assert_eq!(value["model"], model);
        }
    }
});
