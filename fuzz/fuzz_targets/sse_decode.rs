//! `sse_decode`: the SSE decoder never panics, yields the same frames however its input is split, and
//! every frame survives an encode → decode round trip.

#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use plano_wire::sse::{SseDecoder, SseFrame, encode_event};

fn decode(chunks: &[&[u8]], limit: usize) -> (Vec<SseFrame>, bool) {
    let mut dec = SseDecoder::with_limit(limit);
    let mut frames = Vec::new();
    for chunk in chunks {
        dec.push(chunk);
        loop {
            match dec.next_frame() {
                Ok(Some(f)) => frames.push(f),
                Ok(None) => break,
                Err(_) => return (frames, true),
            }
        }
    }
    match dec.finish() {
        Ok(Some(f)) => frames.push(f),
        Ok(None) => {}
        Err(_) => return (frames, true),
    }
    while let Ok(Some(f)) = dec.next_frame() {
        frames.push(f);
    }
    (frames, false)
}

fuzz_target!(|input: &[u8]| {
    let Some((&seed, data)) = input.split_first() else { return };
    // A small limit sometimes, to exercise the bound; big enough never to trigger otherwise.
    let limit = if seed & 0x80 != 0 { 64 } else { 1 << 20 };
    let (whole, whole_err) = decode(&[data], limit);

    // Split at a few positions derived from the seed, and byte by byte.
    let step = usize::from(seed % 7) + 1;
    let chunks: Vec<&[u8]> = data.chunks(step).collect();
    let split = decode(&chunks, limit);
    if !whole_err {
        assert_eq!(split, (whole.clone(), false));
        let bytes: Vec<&[u8]> = data.chunks(1).collect();
        assert_eq!(decode(&bytes, limit), (whole.clone(), false));
    }

    // Encode what was decoded and decode again: data and event names come back unchanged (event names are
    // cut at line breaks by the encoder; decoded names never contain them).
    let mut out = BytesMut::new();
    for f in &whole {
        let name = f.event.as_ref().and_then(|e| std::str::from_utf8(e).ok());
        encode_event(&mut out, name, &f.data);
    }
    let (again, err) = decode(&[&out], usize::MAX);
    assert!(!err);
    assert_eq!(again.len(), whole.len());
    for (a, b) in again.iter().zip(&whole) {
        assert_eq!(a.data, b.data);
    }
});
