//! `translate_request`: arbitrary request bodies through both request translators. Errors are fine;
//! panics are not, and every successful translation must be a JSON object with the upstream model.

#![no_main]

use libfuzzer_sys::fuzz_target;
use plano_catalog::Api;
use plano_translate::{RequestOptions, translate_request};

fuzz_target!(|input: &[u8]| {
    let Some((&seed, body)) = input.split_first() else { return };
    let (client, upstream) = if seed & 1 == 0 {
        (Api::OpenAiChat, Api::AnthropicMessages)
    } else {
        (Api::AnthropicMessages, Api::OpenAiChat)
    };
    let opts = RequestOptions::new("m");
    if let Ok(out) = translate_request(client, upstream, body, &opts) {
        let value: serde_json::Value = serde_json::from_slice(&out).expect("translated body is JSON");
        assert_eq!(value["model"], "m");
    }
});
