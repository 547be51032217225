//! `router`: arbitrary request bodies and router answers through everything routing computes
//! without a network. Errors are fine; panics are not. Invariants checked:
//! - a body with inline `routing_preferences` taken out is still a JSON object without them;
//! - the router prompt of any conversation is built (both flavors) and embeds every route name;
//! - the router call's body is always valid JSON;
//! - an answer parses to route names or an error, and a chat-completion wrapper never panics.

#![no_main]

use libfuzzer_sys::fuzz_target;
use plano_catalog::Api;
use plano_router::{Flavor, RouteDesc};

fuzz_target!(|input: &[u8]| {
    let Some((&seed, data)) = input.split_first() else {
        return;
    };
    if let Some(inline) = plano_router::take_inline_preferences(data) {
        let v: serde_json::Value =
            serde_json::from_slice(&inline.body).expect("stripped body is JSON");
        assert!(v.get("routing_preferences").is_none());
    }
    let api = match seed % 3 {
        0 => Api::OpenAiChat,
        1 => Api::AnthropicMessages,
        _ => Api::OpenAiResponses,
    };
    if let Ok(conv) = plano_router::conversation(api, data) {
        let routes = [
            RouteDesc { name: "code", description: "writing \"code\"" },
            RouteDesc { name: "chat ✓", description: "small talk" },
        ];
        let flavor = if seed & 4 == 0 { Flavor::OrchestratorV1 } else { Flavor::ArchRouter };
        let budget = usize::from(seed >> 3) * 16;
        let prompt = plano_router::build_prompt(flavor, &routes, &conv, budget);
        assert!(prompt.contains("code") && prompt.contains("chat ✓"));
        let body = plano_router::router_request_body("m", &prompt);
        let _: serde_json::Value = serde_json::from_slice(&body).expect("router body is JSON");
        let _ = plano_router::session_key("t", &conv);
        let _ = conv.is_user_turn();
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = plano_router::parse_answer(text);
    }
    let _ = plano_router::router_answer_text(data);
});
