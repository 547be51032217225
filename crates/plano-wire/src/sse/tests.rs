//! SSE decoder/encoder tests: the WHATWG cases, the limits, and chunk-split invariance.

use bytes::BytesMut;
use proptest::prelude::*;

use super::*;

fn decode_all(chunks: &[&[u8]]) -> Vec<SseFrame> {
    let mut dec = SseDecoder::new();
    let mut out = Vec::new();
    for c in chunks {
        dec.push(c);
        while let Some(f) = dec.next_frame().unwrap() {
            out.push(f);
        }
    }
    if let Some(f) = dec.finish().unwrap() {
        out.push(f);
    }
    while let Some(f) = dec.next_frame().unwrap() {
        out.push(f);
    }
    out
}

fn data(frames: &[SseFrame]) -> Vec<String> {
    frames
        .iter()
        .map(|f| String::from_utf8(f.data.to_vec()).unwrap())
        .collect()
}

#[test]
fn basic_fields_and_spacing() {
    let frames = decode_all(&[
        b"event: message_start\ndata: {\"a\":1}\nid: 7\nretry: 250\n\ndata:nospace\n\n",
    ]);
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0].event_name(), Some("message_start"));
    assert_eq!(&frames[0].data[..], b"{\"a\":1}");
    assert_eq!(frames[0].id.as_deref(), Some(&b"7"[..]));
    assert_eq!(frames[0].retry, Some(250));
    assert_eq!(&frames[1].data[..], b"nospace");
    assert_eq!(frames[1].event, None);
}

#[test]
fn only_one_leading_space_is_stripped() {
    assert_eq!(data(&decode_all(&[b"data:  two\n\n"])), [" two"]);
}

#[test]
fn multi_line_data_joined_with_lf() {
    assert_eq!(
        data(&decode_all(&[b"data: a\ndata: b\ndata:\n\n"])),
        ["a\nb\n"]
    );
}

#[test]
fn line_endings_cr_crlf_lf() {
    assert_eq!(
        data(&decode_all(&[b"data: a\r\n\r\ndata: b\r\rdata: c\n\n"])),
        ["a", "b", "c"]
    );
}

#[test]
fn crlf_split_across_pushes() {
    assert_eq!(data(&decode_all(&[b"data: a\r", b"\n\r", b"\n"])), ["a"]);
}

#[test]
fn comments_unknown_fields_and_no_colon_lines() {
    let frames = decode_all(&[b": keepalive\nfoo: bar\ndata\nevent\n\n"]);
    assert_eq!(frames.len(), 1);
    assert_eq!(&frames[0].data[..], b"");
    assert_eq!(frames[0].event.as_deref(), Some(&b""[..]));
}

#[test]
fn event_without_data_is_not_dispatched() {
    let frames = decode_all(&[b"event: ping\n\ndata: x\n\n"]);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].event, None);
}

#[test]
fn invalid_retry_and_nul_id_ignored() {
    let frames = decode_all(&[b"retry: 1x\nid: a\0b\ndata: x\n\n"]);
    assert_eq!(frames[0].retry, None);
    assert_eq!(frames[0].id, None);
}

#[test]
fn bom_stripped_even_when_split() {
    assert_eq!(
        data(&decode_all(&[b"\xEF", b"\xBB", b"\xBFdata: x\n\n"])),
        ["x"]
    );
    // Only at the very start.
    assert_eq!(
        decode_all(&[b"data: x\n\n\xEF\xBB\xBFdata: y\n\n"]).len(),
        1
    );
}

#[test]
fn finish_flushes_unterminated_event() {
    assert_eq!(data(&decode_all(&[b"data: last"])), ["last"]);
    assert_eq!(data(&decode_all(&[b"data: last\n"])), ["last"]);
    assert_eq!(data(&decode_all(&[b"data: last\r"])), ["last"]);
    assert!(decode_all(&[b"data: x\n\n"]).len() == 1);
    assert!(decode_all(&[b""]).is_empty());
}

#[test]
fn done_sentinel() {
    assert!(decode_all(&[b"data: [DONE]\n\n"])[0].is_done());
}

#[test]
fn line_limit_is_an_error_and_sticky() {
    let mut dec = SseDecoder::with_limit(8);
    dec.push(b"data: 0123456789");
    assert_eq!(dec.next_frame(), Err(SseError::LineTooLong { limit: 8 }));
    dec.push(b"\n\n");
    assert!(dec.next_frame().is_err());
}

#[test]
fn event_limit_counts_joined_lines() {
    let mut dec = SseDecoder::with_limit(10);
    dec.push(b"data: 1234\ndata: 5678\ndata: 9\n\n");
    assert_eq!(dec.next_frame(), Err(SseError::EventTooLarge { limit: 10 }));
}

#[test]
fn encoder_round_trips_through_decoder() {
    let mut out = BytesMut::new();
    encode_event(&mut out, Some("message_delta"), b"{\"x\":1}");
    encode_event(&mut out, Some("bad\nname"), b"a\nb\r\nc\rd");
    encode_data(&mut out, b"[DONE]");
    encode_json_event(&mut out, None, &serde_json::json!({"k": "v\nw"})).unwrap();
    assert_eq!(
        &out[..],
        &b"event: message_delta\ndata: {\"x\":1}\n\nevent: bad\ndata: a\ndata: b\ndata: c\ndata: d\n\ndata: [DONE]\n\ndata: {\"k\":\"v\\nw\"}\n\n"[..]
    );
    let frames = decode_all(&[&out]);
    assert_eq!(
        data(&frames),
        ["{\"x\":1}", "a\nb\nc\nd", "[DONE]", "{\"k\":\"v\\nw\"}"]
    );
}

fn stream_strategy() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        Just("data: {\"text\":\"héllo wörld 😀\"}".to_owned()),
        Just("data:tight".to_owned()),
        Just("data".to_owned()),
        Just("event: content_block_delta".to_owned()),
        Just(": comment ✓".to_owned()),
        Just("id: 42".to_owned()),
        Just("retry: 100".to_owned()),
        Just(String::new()),
        "[a-z]{0,4}(: ?[a-zé😀 ]{0,6})?",
    ];
    let ending = prop_oneof![Just("\n"), Just("\r\n"), Just("\r")];
    (
        any::<bool>(),
        proptest::collection::vec((line, ending), 0..24),
    )
        .prop_map(|(bom, lines)| {
            let mut s = if bom {
                "\u{feff}".to_owned()
            } else {
                String::new()
            };
            for (l, e) in lines {
                s.push_str(&l);
                s.push_str(e);
            }
            s.into_bytes()
        })
}

proptest! {
    #[test]
    fn any_split_yields_identical_frames(input in stream_strategy(), cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12)) {
        let whole = decode_all(&[&input]);
        let mut points: Vec<usize> = cuts.iter().map(|i| i.index(input.len() + 1)).collect();
        points.sort_unstable();
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut prev = 0;
        for p in points {
            chunks.push(&input[prev..p]);
            prev = p;
        }
        chunks.push(&input[prev..]);
        prop_assert_eq!(decode_all(&chunks), whole.clone());
        // Byte-at-a-time is the worst case.
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        prop_assert_eq!(decode_all(&bytes), whole);
    }
}
