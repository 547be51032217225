//! Well-formedness checks for client streams, shared by the stream tests.

use plano_wire::sse::SseDecoder;
use serde_json::Value;

pub fn frames(text: &str) -> Vec<(Option<String>, String)> {
    let mut dec = SseDecoder::new();
    dec.push(text.as_bytes());
    let mut out = Vec::new();
    while let Some(f) = dec.next_frame().unwrap() {
        out.push((
            f.event_name().map(str::to_owned),
            String::from_utf8(f.data.to_vec()).unwrap(),
        ));
    }
    if let Some(f) = dec.finish().unwrap() {
        out.push((
            f.event_name().map(str::to_owned),
            String::from_utf8(f.data.to_vec()).unwrap(),
        ));
    }
    out
}

/// OpenAI client stream: JSON chunks, then either exactly one finish chunk and `[DONE]` last, or an error
/// event last (and no `[DONE]`); every chunk carries the same id and model.
pub fn check_openai(text: &str) {
    let frames = frames(text);
    let mut finishes = 0;
    let mut ids = std::collections::BTreeSet::new();
    for (i, (_, data)) in frames.iter().enumerate() {
        let last = i + 1 == frames.len();
        if data == "[DONE]" {
            assert!(last, "[DONE] not last");
            assert_eq!(finishes, 1, "finish chunks before [DONE]");
            continue;
        }
        let v: Value = serde_json::from_str(data).unwrap();
        if v.get("error").is_some() {
            assert!(last, "error event not last");
            continue;
        }
        assert_eq!(v["object"], "chat.completion.chunk");
        ids.insert((v["id"].to_string(), v["model"].to_string()));
        if v["choices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| !c["finish_reason"].is_null())
        {
            finishes += 1;
        }
    }
    assert!(ids.len() <= 1, "ids/models vary: {ids:?}");
    let ended_ok = frames
        .last()
        .is_some_and(|(_, d)| d == "[DONE]" || d.contains("\"error\""));
    assert!(ended_ok, "stream does not end with [DONE] or an error");
}

/// Anthropic client stream: `event:` matches the data `type`; message_start first; blocks opened in
/// sequence, one at a time, each closed before message_delta; message_stop last, or an error event last.
pub fn check_anthropic(text: &str) {
    let frames = frames(text);
    let mut open: Option<u64> = None;
    let mut next_index = 0;
    for (i, (event, data)) in frames.iter().enumerate() {
        let v: Value = serde_json::from_str(data).unwrap();
        let kind = v["type"].as_str().unwrap();
        assert_eq!(event.as_deref(), Some(kind));
        // An error may be the very first event (as from Anthropic itself when overloaded at the start).
        if kind != "error" {
            assert_eq!(
                i == 0,
                kind == "message_start",
                "message_start must come first, once"
            );
        }
        let last = i + 1 == frames.len();
        match kind {
            "message_start" => {}
            "content_block_start" => {
                assert_eq!(open, None, "block opened while another is open");
                assert_eq!(v["index"], next_index);
                open = v["index"].as_u64();
                next_index += 1;
            }
            "content_block_delta" => assert!(v["index"].as_u64() < Some(next_index)),
            "content_block_stop" => {
                assert_eq!(open, v["index"].as_u64());
                open = None;
            }
            "message_delta" => assert_eq!(open, None, "block left open"),
            "message_stop" | "error" => assert!(last, "{kind} not last"),
            other => panic!("unexpected event {other}"),
        }
    }
    let end = frames.last().map(|(e, _)| e.as_deref());
    assert!(
        matches!(end, Some(Some("message_stop" | "error"))),
        "stream does not end properly"
    );
}
