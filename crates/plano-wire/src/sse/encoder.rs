//! SSE encoding into a `BytesMut`: `event: <name>\ndata: <line>\n...\n\n`.

use bytes::{BufMut, BytesMut};
use serde::Serialize;

/// Writes one event. `data` may contain line breaks; each line becomes its own `data:` line so the client
/// decoder rejoins them exactly. Line breaks in `event` would corrupt the framing and are cut off.
pub fn encode_event(out: &mut BytesMut, event: Option<&str>, data: &[u8]) {
    if let Some(event) = event {
        let name = event.split(['\r', '\n']).next().unwrap_or_default();
        out.reserve(name.len() + data.len() + 16);
        out.put_slice(b"event: ");
        out.put_slice(name.as_bytes());
        out.put_u8(b'\n');
    }
    encode_data(out, data);
}

/// Writes a data-only event (the OpenAI style: `data: <line>\n\n`).
pub fn encode_data(out: &mut BytesMut, data: &[u8]) {
    out.reserve(data.len() + 8);
    let mut rest = data;
    loop {
        out.put_slice(b"data: ");
        match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(i) => {
                out.put_slice(&rest[..i]);
                out.put_u8(b'\n');
                let skip = if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                rest = &rest[i + skip..];
            }
            None => {
                out.put_slice(rest);
                out.put_slice(b"\n\n");
                return;
            }
        }
    }
}

/// Serializes `value` as compact JSON straight into `out` as one event, without an intermediate buffer.
///
/// Compact JSON never contains a raw line break (they are escaped inside strings), so one `data:` line
/// always suffices.
pub fn encode_json_event<T: Serialize + ?Sized>(
    out: &mut BytesMut,
    event: Option<&str>,
    value: &T,
) -> Result<(), serde_json::Error> {
    if let Some(event) = event {
        let name = event.split(['\r', '\n']).next().unwrap_or_default();
        out.put_slice(b"event: ");
        out.put_slice(name.as_bytes());
        out.put_u8(b'\n');
    }
    out.put_slice(b"data: ");
    serde_json::to_writer(out.writer(), value)?;
    out.put_slice(b"\n\n");
    Ok(())
}
