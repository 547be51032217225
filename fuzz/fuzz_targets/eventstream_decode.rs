//! `eventstream_decode`: the AWS event-stream decoder never panics, yields the same messages (or the same
//! error) however its input is split, and every decoded message survives an encode → decode round trip.

#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use plano_wire::bedrock::eventstream::{
    EventStreamDecoder, EventStreamError, Message, encode_message,
};

fn decode(chunks: &[&[u8]], limit: usize) -> Result<Vec<Message>, EventStreamError> {
    let mut dec = EventStreamDecoder::with_limit(limit);
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

/// The messages decoded before the first error, whatever it is.
fn decode_prefix(data: &[u8], limit: usize) -> Vec<Message> {
    let mut dec = EventStreamDecoder::with_limit(limit);
    dec.push(data);
    let mut out = Vec::new();
    while let Ok(Some(m)) = dec.next_message() {
        out.push(m);
    }
    out
}

fuzz_target!(|input: &[u8]| {
    let Some((&seed, data)) = input.split_first() else {
        return;
    };
    // A small limit sometimes, to exercise the bound.
    let limit = if seed & 0x80 != 0 { 64 } else { 1 << 20 };
    let whole = decode(&[data], limit);
    let step = usize::from(seed & 0x0f) + 1;
    let chunks: Vec<&[u8]> = data.chunks(step).collect();
    assert_eq!(decode(&chunks, limit), whole);

    // Re-encode what decoded and decode again: identical messages, byte-identical framing.
    let msgs = decode_prefix(data, limit);
    let mut wire = BytesMut::new();
    for m in &msgs {
        encode_message(&mut wire, &m.headers, &m.payload).expect("decoded headers re-encode");
    }
    assert_eq!(
        decode(&[&wire], usize::MAX).expect("re-encoded stream decodes"),
        msgs
    );
    assert_eq!(&wire[..], &data[..wire.len()], "encoding is canonical");
});
