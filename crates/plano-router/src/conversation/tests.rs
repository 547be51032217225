use plano_catalog::Api;
use serde_json::json;

use super::*;

fn conv(api: Api, body: serde_json::Value) -> Conversation {
    conversation(api, body.to_string().as_bytes()).unwrap()
}

fn shape(c: &Conversation) -> Vec<(&'static str, &str, bool)> {
    c.turns
        .iter()
        .map(|t| (t.role.as_str(), t.text.as_str(), t.has_non_text))
        .collect()
}

#[test]
fn chat_roles_parts_and_tools() {
    let c = conv(
        Api::OpenAiChat,
        json!({
            "model": "m",
            "messages": [
                {"role": "system", "content": "be nice"},
                {"role": "developer", "content": [{"type": "text", "text": "dev"}]},
                {"role": "user", "content": [
                    {"type": "text", "text": "look "},
                    {"type": "image_url", "image_url": {"url": "data:"}},
                    {"type": "input_text", "text": "here"}
                ]},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
                    "function": {"name": "get", "arguments": "{}"}}]},
                {"role": "tool", "tool_call_id": "c1", "content": "42"},
                {"role": "mystery", "content": "skipped"},
                {"content": "no role"},
                {"role": "user", "content": [{"type": "input_audio", "input_audio": {}}]}
            ],
            "tools": [
                {"type": "function", "function": {"name": "get"}},
                {"type": "custom", "custom": {"name": "grep"}},
                {"type": "function", "name": "flat"},
                {"type": "web_search"}
            ]
        }),
    );
    assert_eq!(
        shape(&c),
        vec![
            ("system", "be nice", false),
            ("developer", "dev", false),
            ("user", "look here", true),
            ("assistant", "", false),
            ("tool", "42", false),
            ("user", "", true),
        ]
    );
    assert_eq!(c.tool_names, ["get", "grep", "flat"]);
    assert_eq!(c.system_text(), "be nice\ndev");
    assert_eq!(c.first_user_text(), Some("look here"));
}

#[test]
fn anthropic_system_tool_results_and_blocks() {
    let c = conv(
        Api::AnthropicMessages,
        json!({
            "model": "m",
            "system": [{"type": "text", "text": "sys "}, {"type": "text", "text": "two"}],
            "messages": [
                {"role": "user", "content": "hello"},
                {"role": "assistant", "content": [
                    {"type": "thinking", "thinking": "hmm"},
                    {"type": "text", "text": "calling"},
                    {"type": "tool_use", "id": "t1", "name": "ls", "input": {}}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "t1", "content": "a.txt"},
                    {"type": "tool_result", "tool_use_id": "t2", "content": [{"type": "text", "text": "b.txt"}]}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "t3", "content": "x"},
                    {"type": "text", "text": "now fix it"}
                ]},
                {"role": "user", "content": [{"type": "image", "source": {}}, {"type": "document", "source": {}}]}
            ],
            "tools": [{"name": "ls", "input_schema": {}}]
        }),
    );
    assert_eq!(
        shape(&c),
        vec![
            ("system", "sys two", false),
            ("user", "hello", false),
            ("assistant", "calling", false),
            ("tool", "a.txtb.txt", false),
            ("user", "now fix it", false),
            ("user", "", true),
        ]
    );
    assert_eq!(c.tool_names, ["ls"]);
}

#[test]
fn anthropic_string_system() {
    let c = conv(
        Api::AnthropicMessages,
        json!({"system": "s", "messages": [{"role": "user", "content": "u"}]}),
    );
    assert_eq!(
        shape(&c),
        vec![("system", "s", false), ("user", "u", false)]
    );
}

#[test]
fn responses_items() {
    let c = conv(
        Api::OpenAiResponses,
        json!({
            "model": "m",
            "instructions": "inst",
            "input": [
                {"role": "user", "content": "plain"},
                {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "d"}]},
                {"type": "message", "role": "user", "content": [
                    {"type": "input_text", "text": "see "},
                    {"type": "input_image", "image_url": "data:"}
                ]},
                {"type": "reasoning", "summary": []},
                {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"},
                {"type": "function_call_output", "call_id": "c", "output": "out"},
                {"type": "custom_tool_call", "call_id": "d", "name": "g", "input": "x"},
                {"type": "custom_tool_call_output", "call_id": "d", "output": [{"type": "input_text", "text": "o2"}]},
                {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "done"}]},
                {"type": "item_reference", "id": "x"}
            ],
            "tools": [{"type": "function", "name": "f"}, {"type": "web_search_preview"}]
        }),
    );
    assert_eq!(
        shape(&c),
        vec![
            ("system", "inst", false),
            ("user", "plain", false),
            ("developer", "d", false),
            ("user", "see ", true),
            ("assistant", "", false),
            ("tool", "out", false),
            ("assistant", "", false),
            ("tool", "o2", false),
            ("assistant", "done", false),
        ]
    );
    assert_eq!(c.tool_names, ["f"]);
}

#[test]
fn responses_string_input() {
    let c = conv(Api::OpenAiResponses, json!({"input": "hi"}));
    assert_eq!(shape(&c), vec![("user", "hi", false)]);
}

#[test]
fn lenient_on_missing_fields() {
    assert_eq!(conv(Api::OpenAiChat, json!({})), Conversation::default());
    assert_eq!(
        conv(Api::OpenAiChat, json!({"messages": null})),
        Conversation::default()
    );
    assert_eq!(
        conv(Api::OpenAiResponses, json!({"input": 3})),
        Conversation::default()
    );
}

#[test]
fn errors() {
    assert!(matches!(
        conversation(Api::OpenAiChat, b"{not json"),
        Err(ConversationError::NotJson(_))
    ));
    assert_eq!(
        conversation(Api::OpenAiChat, b"[1]"),
        Err(ConversationError::NotAnObject)
    );
    assert_eq!(
        conversation(Api::AnthropicMessages, br#"{"messages": "hi"}"#),
        Err(ConversationError::NotAnArray("messages"))
    );
    assert!(matches!(
        conversation(Api::BedrockConverse, b"{}"),
        Err(ConversationError::UnsupportedApi(_))
    ));
    assert_eq!(
        ConversationError::NotAnArray("messages").to_string(),
        "`messages` must be an array"
    );
}
