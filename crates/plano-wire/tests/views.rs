//! The borrowed hot-path views read the same fixtures as the owned types, keep text as raw JSON tokens, and
//! pick the right choice.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use plano_wire::anthropic::view::EventView;
use plano_wire::json_str::raw_str;
use plano_wire::openai::view::ChunkView;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn openai_chunks() {
    let text = fixture("openai_chunks.jsonl");
    let chunks: Vec<ChunkView<'_>> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let content: Vec<Option<&str>> = chunks
        .iter()
        .map(|c| {
            raw_str(
                c.choices
                    .0
                    .as_ref()
                    .and_then(|ch| ch.delta.as_ref()?.content),
            )
        })
        .collect();
    assert_eq!(content[1], Some("\"Hi\""));
    assert_eq!(content[0], None, "empty content reads as none");
    let args = chunks[3]
        .choices
        .0
        .as_ref()
        .unwrap()
        .delta
        .as_ref()
        .unwrap()
        .tool_calls
        .as_ref()
        .unwrap()[0]
        .function
        .as_ref()
        .unwrap()
        .arguments;
    assert_eq!(raw_str(args), Some(r#""{\"a\":""#));
    assert_eq!(
        chunks[5]
            .choices
            .0
            .as_ref()
            .unwrap()
            .finish_reason
            .as_deref(),
        Some("tool_calls")
    );
    assert_eq!(chunks[6].usage.as_ref().unwrap().cached_tokens(), Some(2));
}

#[test]
fn first_choice_is_index_zero_wherever_it_is() {
    let c: ChunkView<'_> = serde_json::from_str(
        r#"{"choices":[{"index":1,"delta":{"content":"b"}},{"index":0,"delta":{"content":"a"}}]}"#,
    )
    .unwrap();
    assert_eq!(
        raw_str(c.choices.0.unwrap().delta.unwrap().content),
        Some("\"a\"")
    );
    let c: ChunkView<'_> = serde_json::from_str(r#"{"choices":null,"usage":null}"#).unwrap();
    assert!(c.choices.0.is_none() && c.usage.is_none());
}

#[test]
fn anthropic_events() {
    let text = fixture("anthropic_events.jsonl");
    let events: Vec<EventView<'_>> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = events.iter().map(|e| &*e.kind).collect();
    assert_eq!(
        kinds[..3],
        [
            "message_start",
            "content_block_start",
            "content_block_delta"
        ]
    );
    assert_eq!(
        events[0].message.as_ref().unwrap().id.as_deref(),
        Some("msg_1")
    );
    assert_eq!(
        raw_str(events[2].delta.as_ref().unwrap().thinking),
        Some("\"I think\"")
    );
    assert_eq!(
        events[11].delta.as_ref().unwrap().stop_reason.as_deref(),
        Some("end_turn")
    );
    assert_eq!(events[11].usage.unwrap().output_tokens, Some(15));
    assert_eq!(
        events[13].error.as_ref().unwrap().kind.as_deref(),
        Some("overloaded_error")
    );
}

#[test]
fn escaped_strings_still_parse() {
    let e: EventView<'_> = serde_json::from_str(
        r#"{"type":"message_start","message":{"id":"msg_\u0031","model":"m"}}"#,
    )
    .unwrap();
    assert_eq!(e.message.unwrap().id.as_deref(), Some("msg_1"));
}
