//! Golden prompts: the exact bytes the router model receives, for typical conversations of each client API.
//!
//! The snapshots are framed by marker lines so that the prompt's leading and trailing newlines are part of the
//! compared text (insta ignores them at the edges of a snapshot).

use plano_catalog::Api;
use serde_json::{Value, json};

use crate::{Conversation, Flavor, RouteDesc, build_prompt, conversation};

const ROUTES: [RouteDesc<'static>; 3] = [
    RouteDesc {
        name: "code_generation",
        description: "generating new code snippets, functions, or boilerplate based on user prompts",
    },
    RouteDesc {
        name: "code_review",
        description: "reviewing, analyzing and explaining existing code; \"why does this fail?\"",
    },
    RouteDesc {
        name: "traduction",
        description: "traduire un texte — 翻訳, übersetzen",
    },
];

fn conv(api: Api, body: Value) -> Conversation {
    conversation(api, body.to_string().as_bytes()).unwrap()
}

fn framed(prompt: &str) -> String {
    format!(
        "----- prompt begins after this line -----\n{prompt}----- prompt ended before this line -----"
    )
}

fn v1(c: &Conversation) -> String {
    build_prompt(Flavor::OrchestratorV1, &ROUTES, c, 8192)
}

fn multi_turn_chat() -> Conversation {
    conv(
        Api::OpenAiChat,
        json!({
            "model": "router",
            "messages": [
                {"role": "system", "content": "You are a coding assistant."},
                {"role": "user", "content": "Write a Python function that reverses a string."},
                {"role": "assistant", "content": "def reverse(s):\n    return s[::-1]"},
                {"role": "user", "content": [{"type": "text", "text": "Now explain why slicing works here."}]}
            ]
        }),
    )
}

#[test]
fn v1_multi_turn_chat() {
    insta::assert_snapshot!("v1_multi_turn_chat", framed(&v1(&multi_turn_chat())));
}

#[test]
fn v1_openai_tools() {
    let c = conv(
        Api::OpenAiChat,
        json!({
            "model": "router",
            "messages": [
                {"role": "user", "content": "What's in src/main.rs?"},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                    "function": {"name": "read_file", "arguments": "{\"path\":\"src/main.rs\"}"}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "fn main() { println!(\"hi\"); }"},
                {"role": "assistant", "content": "It prints \"hi\"."},
                {"role": "user", "content": "Add a --name flag."}
            ],
            "tools": [{"type": "function", "function": {"name": "read_file", "parameters": {}}}]
        }),
    );
    insta::assert_snapshot!("v1_openai_tools", framed(&v1(&c)));
}

#[test]
fn v1_anthropic_tools() {
    let c = conv(
        Api::AnthropicMessages,
        json!({
            "model": "router",
            "system": [{"type": "text", "text": "You are Claude Code."}],
            "max_tokens": 1024,
            "messages": [
                {"role": "user", "content": "Run the tests"},
                {"role": "assistant", "content": [
                    {"type": "thinking", "thinking": "I should run cargo test", "signature": "x"},
                    {"type": "text", "text": "Running them now."},
                    {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "cargo test"}}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": "test result: FAILED. 1 failed"}
                ]},
                {"role": "assistant", "content": [{"type": "text", "text": "One test fails: `parses_dates`."}]},
                {"role": "user", "content": [
                    {"type": "text", "text": "<system-reminder>todo list is empty</system-reminder>"},
                    {"type": "text", "text": "Review why it fails"}
                ]}
            ],
            "tools": [{"name": "Bash", "input_schema": {"type": "object"}}]
        }),
    );
    insta::assert_snapshot!("v1_anthropic_tools", framed(&v1(&c)));
}

fn long_user_message() -> Conversation {
    let long = format!(
        "Please review this module. {} What is the bug on the last line?",
        "let x = compute(y); ".repeat(60)
    );
    conv(
        Api::OpenAiChat,
        json!({
            "messages": [
                {"role": "user", "content": "Earlier question that will not fit."},
                {"role": "assistant", "content": "Earlier answer."},
                {"role": "user", "content": long}
            ]
        }),
    )
}

#[test]
fn v1_long_user_message_is_middle_trimmed() {
    // 300 tokens: the template costs 846 / 4 = 211, leaving 89 tokens (356 bytes) for the newest user message.
    let prompt = build_prompt(Flavor::OrchestratorV1, &ROUTES, &long_user_message(), 300);
    assert!(prompt.contains("Please review this module."));
    assert!(prompt.contains("What is the bug on the last line?"));
    assert!(prompt.contains('…'));
    assert!(!prompt.contains("Earlier"));
    insta::assert_snapshot!("v1_long_user_message", framed(&prompt));
}

#[test]
fn v1_long_non_ascii_is_trimmed_on_char_boundaries() {
    let long = format!(
        "Résumé demandé : {} 最後の質問は何ですか？🎉",
        "日本語のテキスト、ñandú 😀。".repeat(40)
    );
    let c = conv(
        Api::OpenAiChat,
        json!({"messages": [{"role": "user", "content": long}]}),
    );
    // 211 tokens of template + 30 tokens (120 bytes) for the message.
    let prompt = build_prompt(Flavor::OrchestratorV1, &ROUTES, &c, 241);
    assert!(prompt.contains('…'));
    assert!(prompt.contains("Résumé demandé"));
    assert!(prompt.contains("最後の質問は何ですか？🎉"));
    insta::assert_snapshot!("v1_long_non_ascii", framed(&prompt));
}

#[test]
fn v1_non_ascii() {
    let c = conv(
        Api::OpenAiChat,
        json!({
            "messages": [
                {"role": "user", "content": "Traduis « café crème » en japonais 🙏"},
                {"role": "assistant", "content": "カフェクリーム ☕"},
                {"role": "user", "content": "Et en allemand? Ñandú — 中文也可以 👍🏽"}
            ]
        }),
    );
    insta::assert_snapshot!("v1_non_ascii", framed(&v1(&c)));
}

#[test]
fn v1_responses_input() {
    let c = conv(
        Api::OpenAiResponses,
        json!({
            "model": "router",
            "instructions": "Be brief.",
            "input": [
                {"role": "user", "content": [{"type": "input_text", "text": "Find TODOs in the repo"}]},
                {"type": "function_call", "call_id": "c1", "name": "grep", "arguments": "{\"q\":\"TODO\"}"},
                {"type": "function_call_output", "call_id": "c1", "output": "src/lib.rs:10: TODO"},
                {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "One TODO in src/lib.rs."}]},
                {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Write the code for it"}]}
            ],
            "tools": [{"type": "function", "name": "grep"}]
        }),
    );
    insta::assert_snapshot!("v1_responses_input", framed(&v1(&c)));
}

#[test]
fn v1_responses_string_input_and_no_routes() {
    let c = conv(Api::OpenAiResponses, json!({"input": "hello"}));
    insta::assert_snapshot!(
        "v1_responses_string_no_routes",
        framed(&build_prompt(Flavor::OrchestratorV1, &[], &c, 8192))
    );
}

#[test]
fn arch_router_multi_turn_chat() {
    let prompt = build_prompt(Flavor::ArchRouter, &ROUTES, &multi_turn_chat(), 2048);
    insta::assert_snapshot!("arch_router_multi_turn_chat", framed(&prompt));
}

#[test]
fn arch_router_long_user_message() {
    let budget = crate::prompt::arch_router::TEMPLATE_LEN / 4 + 40;
    let prompt = build_prompt(Flavor::ArchRouter, &ROUTES, &long_user_message(), budget);
    assert!(prompt.contains('…'));
    insta::assert_snapshot!("arch_router_long_user_message", framed(&prompt));
}

#[test]
fn v1_prompt_contract() {
    let prompt = v1(&multi_turn_chat());
    assert!(prompt.starts_with(
        "\nYou are a helpful assistant that selects the most suitable routes based on user intent.\n"
    ));
    assert!(prompt.ends_with("If no routes are needed, return an empty list for `route`.\n"));
    assert!(prompt.contains("\n{{\"route\": [\"route_name_1\", \"route_name_2\", \"...\"]}}\n"));
    assert!(prompt.contains("<routes>\n{\"name\": \"code_generation\", "));
    assert!(prompt.contains(
        "\"parameters\": {\"type\": \"object\", \"properties\": {}, \"required\": []}}\n</routes>"
    ));
    assert!(
        prompt.contains(
            "<conversation>\n[\n    {\n        \"role\": \"user\",\n        \"content\": "
        )
    );
    assert!(prompt.contains("\n    }\n]\n</conversation>"));
    // System turns never reach the router.
    assert!(!prompt.contains("coding assistant"));

    // Routes appear in the order given, whatever that order is.
    let position = |p: &str, name: &str| p.find(&format!("{{\"name\": \"{name}\"")).unwrap();
    let a = position(&prompt, "code_generation");
    let b = position(&prompt, "code_review");
    let c = position(&prompt, "traduction");
    assert!(a < b && b < c);
    let reversed: Vec<RouteDesc<'_>> = ROUTES.iter().rev().copied().collect();
    let prompt = build_prompt(Flavor::OrchestratorV1, &reversed, &multi_turn_chat(), 8192);
    let a = position(&prompt, "code_generation");
    let b = position(&prompt, "code_review");
    let c = position(&prompt, "traduction");
    assert!(c < b && b < a);
}

#[test]
fn arch_router_prompt_contract() {
    let prompt = build_prompt(Flavor::ArchRouter, &ROUTES, &multi_turn_chat(), 2048);
    assert!(prompt.contains("<routes>\n[{\"name\":\"code_generation\",\"description\":"));
    assert!(prompt.contains("{\"route\": \"other\"}"));
    assert!(prompt.contains("<conversation>\n[{\"role\":\"user\",\"content\":\"Write a Python"));
}

#[test]
fn prompt_is_deterministic() {
    let c = multi_turn_chat();
    assert_eq!(v1(&c), v1(&c));
}
