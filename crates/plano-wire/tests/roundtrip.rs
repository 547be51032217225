//! Fixture round trips: every wire type parses a realistic body (including fields and variants we do not
//! know) and serializes back to the same JSON value, and the known parts land in typed fields.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use plano_wire::{anthropic, openai};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[track_caller]
fn round_trip<T: DeserializeOwned + Serialize>(json: &str) -> T {
    let original: Value = serde_json::from_str(json).unwrap();
    let typed: T = serde_json::from_str(json).unwrap();
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(back, original, "round trip changed the value");
    typed
}

#[test]
fn openai_request() {
    let req: openai::ChatCompletionRequest = round_trip(&fixture("openai_request.json"));
    assert_eq!(req.messages.len(), 6);
    assert_eq!(
        req.messages[5].role,
        openai::ChatRole::Other("critic".into())
    );
    let Some(openai::MessageContent::Parts(parts)) = req.messages[2].content() else {
        panic!()
    };
    let types: Vec<_> = parts.iter().map(openai::ContentPart::type_str).collect();
    assert_eq!(
        types,
        [
            "text",
            "image_url",
            "image_url",
            "input_audio",
            "file",
            "future_part"
        ]
    );
    assert!(matches!(parts[1], openai::ContentPart::ImageUrl(_)));
    assert!(matches!(parts[3], openai::ContentPart::Other(_)));
    assert_eq!(req.messages[3].content, Some(None));
    assert!(
        req.messages[3].tool_calls.as_ref().unwrap()[1]
            .function
            .is_none()
    );
    assert!(matches!(
        req.tools.as_ref().unwrap()[1],
        openai::Tool::Other(_)
    ));
    assert!(matches!(
        req.tool_choice,
        Some(openai::ToolChoice::Other(_))
    ));
    assert_eq!(
        req.reasoning_effort,
        Some(openai::ReasoningEffort::Other("ultra".into()))
    );
    assert!(req.extra.contains_key("vendor_extension"));
}

#[test]
fn openai_response() {
    let resp: openai::ChatCompletion = round_trip(&fixture("openai_response.json"));
    assert_eq!(
        resp.choices[0].finish_reason,
        Some(openai::FinishReason::Other("brand_new_reason".into()))
    );
    assert_eq!(resp.usage.as_ref().unwrap().cached_tokens(), 1024);
}

#[test]
fn openai_chunks() {
    for line in fixture("openai_chunks.jsonl").lines() {
        round_trip::<openai::ChatCompletionChunk>(line);
    }
}

#[test]
fn anthropic_request() {
    let req: anthropic::MessagesRequest = round_trip(&fixture("anthropic_request.json"));
    let anthropic::MessageContent::Blocks(user) = &req.messages[0].content else {
        panic!()
    };
    let types: Vec<_> = user.iter().map(anthropic::ContentBlock::type_str).collect();
    assert_eq!(
        types,
        [
            "text",
            "document",
            "document",
            "image",
            "image",
            "search_result"
        ]
    );
    assert!(
        matches!(&user[2], anthropic::ContentBlock::Document(d) if matches!(d.source, anthropic::MediaSource::Other(_)))
    );
    assert!(matches!(user[5], anthropic::ContentBlock::Other(_)));
    let anthropic::MessageContent::Blocks(assistant) = &req.messages[1].content else {
        panic!()
    };
    assert!(matches!(assistant[2], anthropic::ContentBlock::Other(_)));
    assert!(matches!(assistant[5], anthropic::ContentBlock::ToolUse(_)));
    assert!(!req.tools.as_ref().unwrap()[1].is_custom());
    assert!(req.extra.contains_key("context_management"));
}

#[test]
fn anthropic_response() {
    let resp: anthropic::MessagesResponse = round_trip(&fixture("anthropic_response.json"));
    assert_eq!(resp.stop_reason, Some(Some(anthropic::StopReason::ToolUse)));
    assert_eq!(resp.usage.cache_read(), 100);
    assert!(matches!(resp.content[3], anthropic::ContentBlock::Other(_)));
}

#[test]
fn anthropic_events() {
    let names: Vec<String> = fixture("anthropic_events.jsonl")
        .lines()
        .map(|line| {
            round_trip::<anthropic::StreamEvent>(line)
                .event_name()
                .to_owned()
        })
        .collect();
    assert_eq!(names[0], "message_start");
    assert_eq!(names.last().unwrap(), "future_event");
}
