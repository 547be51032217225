//! Event-stream codec tests: published vectors, every error, and chunking/round-trip properties.

use bytes::{Bytes, BytesMut};
use proptest::prelude::*;

use super::*;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn decode_all(chunks: &[&[u8]]) -> Result<Vec<Message>, EventStreamError> {
    let mut dec = EventStreamDecoder::new();
    let mut out = Vec::new();
    for chunk in chunks {
        dec.push(chunk);
        while let Some(m) = dec.next_message()? {
            out.push(m);
        }
    }
    dec.finish()?;
    Ok(out)
}

#[test]
fn empty_message_vector() {
    // The smallest message: no headers, no payload.
    let bytes = hex("000000100000000005c248eb7d98c8ff");
    let msgs = decode_all(&[&bytes]).unwrap();
    assert_eq!(
        msgs,
        vec![Message {
            headers: vec![],
            payload: Bytes::new()
        }]
    );
    let mut out = BytesMut::new();
    encode_message(&mut out, &[], b"").unwrap();
    assert_eq!(&out[..], &bytes[..]);
}

#[test]
fn string_header_vector() {
    // Published test vector: `content-type: application/json` and payload `{'foo':'bar'}`.
    let bytes = hex(
        "0000003d0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b27666f6f273a27626172277d8d9c08b1",
    );
    let msgs = decode_all(&[&bytes]).unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].header_str("content-type"), Some("application/json"));
    assert_eq!(&msgs[0].payload[..], b"{'foo':'bar'}");
    let mut out = BytesMut::new();
    encode_message(&mut out, &msgs[0].headers, &msgs[0].payload).unwrap();
    assert_eq!(&out[..], &bytes[..]);
}

#[test]
fn every_header_type_round_trips() {
    let headers = vec![
        Header::new("t", HeaderValue::Bool(true)),
        Header::new("f", HeaderValue::Bool(false)),
        Header::new("b", HeaderValue::Byte(-3)),
        Header::new("s", HeaderValue::Int16(-300)),
        Header::new("i", HeaderValue::Int32(40972)),
        Header::new("l", HeaderValue::Int64(i64::MIN)),
        Header::new("y", HeaderValue::Bytes(Bytes::from_static(b"\x00\xff"))),
        Header::string(":event-type", "contentBlockDelta"),
        Header::new("ts", HeaderValue::Timestamp(1_700_000_000_000)),
        Header::new("u", HeaderValue::Uuid([7; 16])),
    ];
    let mut out = BytesMut::new();
    encode_message(&mut out, &headers, b"{}").unwrap();
    let msgs = decode_all(&[&out]).unwrap();
    assert_eq!(msgs[0].headers, headers);
    assert_eq!(msgs[0].kind(), MessageKind::Event("contentBlockDelta"));
}

#[test]
fn kinds() {
    let mut out = BytesMut::new();
    encode_exception(&mut out, "throttlingException", br#"{"message":"slow"}"#).unwrap();
    encode_message(
        &mut out,
        &[
            Header::string(":message-type", "error"),
            Header::string(":error-code", "InternalFailure"),
            Header::string(":error-message", "boom"),
        ],
        b"",
    )
    .unwrap();
    encode_message(&mut out, &[Header::string(":message-type", "ping")], b"").unwrap();
    let kinds: Vec<_> = decode_all(&[&out])
        .unwrap()
        .iter()
        .map(|m| format!("{:?}", m.kind()))
        .collect();
    assert_eq!(
        kinds,
        [
            "Exception(\"throttlingException\")",
            "Error { code: \"InternalFailure\", message: \"boom\" }",
            "Other(\"ping\")"
        ]
    );
}

fn one_event() -> Vec<u8> {
    let mut out = BytesMut::new();
    encode_event(&mut out, "messageStart", br#"{"role":"assistant"}"#).unwrap();
    out.to_vec()
}

#[test]
fn corrupt_prelude_crc_fails_at_once_and_forever() {
    let mut bytes = one_event();
    bytes[3] ^= 1;
    let mut dec = EventStreamDecoder::new();
    dec.push(&bytes[..12]);
    let err = dec.next_message().unwrap_err();
    assert!(matches!(err, EventStreamError::PreludeCrc { .. }), "{err}");
    dec.push(&one_event());
    assert_eq!(dec.next_message().unwrap_err(), err);
    assert_eq!(dec.finish().unwrap_err(), err);
}

#[test]
fn corrupt_payload_fails_the_message_crc() {
    let mut bytes = one_event();
    let n = bytes.len();
    bytes[n - 6] ^= 0x20;
    let err = decode_all(&[&bytes]).unwrap_err();
    assert!(matches!(err, EventStreamError::MessageCrc { .. }), "{err}");
}

/// A prelude with a valid CRC for the given lengths.
fn prelude(total: u32, headers: u32) -> Vec<u8> {
    let mut p = Vec::new();
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&headers.to_be_bytes());
    let crc = crc32fast::hash(&p);
    p.extend_from_slice(&crc.to_be_bytes());
    p
}

#[test]
fn bad_lengths() {
    let err = |bytes: &[u8], limit: usize| {
        let mut dec = EventStreamDecoder::with_limit(limit);
        dec.push(bytes);
        dec.next_message().unwrap_err()
    };
    assert_eq!(
        err(&prelude(15, 0), 1 << 20),
        EventStreamError::TooShort { len: 15 }
    );
    assert_eq!(
        err(&prelude(u32::MAX, 0), 1 << 20),
        EventStreamError::TooLong {
            len: u64::from(u32::MAX),
            limit: 1 << 20
        }
    );
    assert_eq!(
        err(&prelude(20, 5), 1 << 20),
        EventStreamError::HeadersLength {
            headers_len: 5,
            total_len: 20
        }
    );
}

/// Wraps a raw header block in a message with valid CRCs.
fn with_headers(block: &[u8]) -> Vec<u8> {
    let total = u32::try_from(16 + block.len()).unwrap();
    let mut m = prelude(total, u32::try_from(block.len()).unwrap());
    m.extend_from_slice(block);
    let crc = crc32fast::hash(&m);
    m.extend_from_slice(&crc.to_be_bytes());
    m
}

#[test]
fn bad_headers() {
    let reason = |block: &[u8]| match decode_all(&[&with_headers(block)]) {
        Err(EventStreamError::Header { reason, .. }) => reason,
        other => panic!("{other:?}"),
    };
    assert_eq!(reason(b"\x00"), HeaderError::EmptyName);
    assert_eq!(reason(b"\x01a\x0a"), HeaderError::UnknownType(10));
    assert_eq!(reason(b"\x01a\x07\x00\x05ab"), HeaderError::Truncated);
    assert_eq!(reason(b"\x01a\x04\x00"), HeaderError::Truncated);
    assert_eq!(reason(b"\x01\xff\x00"), HeaderError::NameNotUtf8);
    assert_eq!(reason(b"\x01a\x07\x00\x01\xff"), HeaderError::ValueNotUtf8);
    assert!(matches!(
        decode_all(&[&with_headers(b"\x01a\x09\x00")]),
        Err(EventStreamError::Header { offset: 15, .. })
    ));
}

#[test]
fn torn_message_at_the_end_is_truncated() {
    let bytes = one_event();
    let err = decode_all(&[&bytes[..bytes.len() - 1]]).unwrap_err();
    assert_eq!(
        err,
        EventStreamError::Truncated {
            buffered: bytes.len() - 1
        }
    );
    // Fewer bytes than a prelude are truncated too.
    assert_eq!(
        decode_all(&[&bytes[..5]]).unwrap_err(),
        EventStreamError::Truncated { buffered: 5 }
    );
}

#[test]
fn encoder_rejects_unframeable_headers() {
    let mut out = BytesMut::new();
    let long_name = Header::string("n".repeat(256), "v");
    assert!(matches!(
        encode_message(&mut out, &[long_name], b""),
        Err(EventStreamError::Header {
            reason: HeaderError::NameTooLong,
            ..
        })
    ));
    let long_value = Header::string("n", "v".repeat(65536));
    assert!(matches!(
        encode_message(&mut out, &[long_value], b""),
        Err(EventStreamError::Header {
            reason: HeaderError::ValueTooLong,
            ..
        })
    ));
    assert!(out.is_empty());
}

fn arb_value() -> impl Strategy<Value = HeaderValue> {
    prop_oneof![
        any::<bool>().prop_map(HeaderValue::Bool),
        any::<i8>().prop_map(HeaderValue::Byte),
        any::<i16>().prop_map(HeaderValue::Int16),
        any::<i32>().prop_map(HeaderValue::Int32),
        any::<i64>().prop_map(HeaderValue::Int64),
        prop::collection::vec(any::<u8>(), 0..40).prop_map(|v| HeaderValue::Bytes(v.into())),
        ".{0,40}".prop_map(HeaderValue::String),
        any::<i64>().prop_map(HeaderValue::Timestamp),
        any::<[u8; 16]>().prop_map(HeaderValue::Uuid),
    ]
}

fn arb_message() -> impl Strategy<Value = Message> {
    (
        prop::collection::vec(("[:a-z-]{1,20}", arb_value()), 0..5),
        prop::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(|(headers, payload)| Message {
            headers: headers
                .into_iter()
                .map(|(n, v)| Header::new(n, v))
                .collect(),
            payload: payload.into(),
        })
}

proptest! {
    #[test]
    fn any_split_yields_the_same_messages(
        msgs in prop::collection::vec(arb_message(), 0..6),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let mut wire = BytesMut::new();
        for m in &msgs {
            encode_message(&mut wire, &m.headers, &m.payload).unwrap();
        }
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(wire.len() + 1)).collect();
        points.sort_unstable();
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut prev = 0;
        for p in points {
            chunks.push(&wire[prev..p]);
            prev = p;
        }
        chunks.push(&wire[prev..]);
        prop_assert_eq!(decode_all(&chunks).unwrap(), msgs.clone());
        let bytewise: Vec<&[u8]> = wire.chunks(1).collect();
        prop_assert_eq!(decode_all(&bytewise).unwrap(), msgs);
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..300), step in 1usize..20) {
        let whole = decode_all(&[&data]);
        let chunks: Vec<&[u8]> = data.chunks(step).collect();
        prop_assert_eq!(decode_all(&chunks), whole);
    }
}
