//! RESP2, the Redis wire protocol: commands out, replies in. Pure — no I/O.
//!
//! A command is an array of bulk strings: `*<n>\r\n` then, per argument, `$<len>\r\n<bytes>\r\n`.
//! A reply starts with a type byte: `+` simple string, `-` error, `:` integer, `$` bulk string
//! (`$-1` is null), `*` array (`*-1` is null); every header line ends with `\r\n`.
//!
//! [`decode`] is incremental: given the bytes received so far it returns one whole reply and how
//! many bytes it used, or [`Decoded::NeedMore`] when the reply is not complete yet — a partial
//! read is the normal case, not an error. It bounds what a server can make it buffer (line and
//! bulk lengths, array sizes, nesting), so a hostile or broken peer cannot exhaust memory.

/// Longest header or simple-string line accepted, `\r\n` excluded.
const MAX_LINE: usize = 64 * 1024;
/// Largest bulk string accepted. Bindings are a few hundred bytes; this is generous.
pub const MAX_BULK: usize = 4 * 1024 * 1024;
/// Most elements in one array reply.
const MAX_ARRAY: usize = 64 * 1024;
/// Deepest nesting of arrays.
const MAX_DEPTH: usize = 8;

/// One decoded reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `+OK`
    Simple(String),
    /// `-ERR message`: the server refused the command; the connection is still usable.
    Error(String),
    /// `:42`
    Integer(i64),
    /// `$3\r\nabc`
    Bulk(Vec<u8>),
    /// `$-1` or `*-1`: no value (e.g. GET of a missing key).
    Nil,
    /// `*2\r\n…`
    Array(Vec<Value>),
}

/// Result of trying to decode one reply from a buffer.
#[derive(Debug, PartialEq, Eq)]
pub enum Decoded {
    /// A whole reply, which used the first `len` bytes of the buffer.
    Frame { value: Value, len: usize },
    /// The buffer holds only part of a reply; read more and try again from its start.
    NeedMore,
}

/// The bytes are not RESP2, or exceed a limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ProtocolError(String);

/// Appends the RESP2 encoding of the command `args` (name first) to `out`.
pub fn encode_command(args: &[&[u8]], out: &mut Vec<u8>) {
    out.push(b'*');
    out.extend_from_slice(args.len().to_string().as_bytes());
    out.extend_from_slice(b"\r\n");
    for arg in args {
        out.push(b'$');
        out.extend_from_slice(arg.len().to_string().as_bytes());
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
}

/// Decodes the first reply in `buf`.
pub fn decode(buf: &[u8]) -> Result<Decoded, ProtocolError> {
    Ok(match decode_at(buf, 0, 0)? {
        Some((value, len)) => Decoded::Frame { value, len },
        None => Decoded::NeedMore,
    })
}

/// Decodes one value starting at `pos`; `Ok(None)` means incomplete. Returns the end offset.
fn decode_at(
    buf: &[u8],
    pos: usize,
    depth: usize,
) -> Result<Option<(Value, usize)>, ProtocolError> {
    let Some(Header { kind, line, next }) = header(buf, pos)? else {
        return Ok(None);
    };
    let value = match kind {
        b'+' => Value::Simple(String::from_utf8_lossy(line).into_owned()),
        b'-' => Value::Error(String::from_utf8_lossy(line).into_owned()),
        b':' => Value::Integer(parse_int(line)?),
        b'$' => {
            let Some(len) = length(line, MAX_BULK, "bulk string")? else {
                return Ok(Some((Value::Nil, next)));
            };
            let end = next + len;
            if buf.len() < end + 2 {
                return Ok(None);
            }
            if &buf[end..end + 2] != b"\r\n" {
                return Err(ProtocolError("bulk string not terminated by CRLF".into()));
            }
            return Ok(Some((Value::Bulk(buf[next..end].to_vec()), end + 2)));
        }
        b'*' => {
            let Some(len) = length(line, MAX_ARRAY, "array")? else {
                return Ok(Some((Value::Nil, next)));
            };
            if depth >= MAX_DEPTH {
                return Err(ProtocolError("arrays nested too deeply".into()));
            }
            // Do not trust `len` for the allocation: the elements may never arrive.
            let mut items = Vec::with_capacity(len.min(16));
            let mut at = next;
            for _ in 0..len {
                let Some((item, end)) = decode_at(buf, at, depth + 1)? else {
                    return Ok(None);
                };
                items.push(item);
                at = end;
            }
            return Ok(Some((Value::Array(items), at)));
        }
        other => {
            return Err(ProtocolError(format!(
                "unexpected reply type byte 0x{other:02x}"
            )));
        }
    };
    Ok(Some((value, next)))
}

/// The first line of a reply.
struct Header<'a> {
    /// Type byte: one of `+-:$*`.
    kind: u8,
    /// What follows the type byte, without `\r\n`.
    line: &'a [u8],
    /// Offset just past the `\r\n`.
    next: usize,
}

/// Reads the header line at `pos`; `Ok(None)` while its `\r\n` has not arrived.
fn header(buf: &[u8], pos: usize) -> Result<Option<Header<'_>>, ProtocolError> {
    let Some(&kind) = buf.get(pos) else {
        return Ok(None);
    };
    // Reject garbage at its first byte rather than waiting for a line end that may never come.
    if !b"+-:$*".contains(&kind) {
        return Err(ProtocolError(format!(
            "unexpected reply type byte 0x{kind:02x}"
        )));
    }
    let rest = &buf[pos + 1..];
    let window = &rest[..rest.len().min(MAX_LINE + 2)];
    match window.windows(2).position(|w| w == b"\r\n") {
        Some(end) => Ok(Some(Header {
            kind,
            line: &rest[..end],
            next: pos + 1 + end + 2,
        })),
        None if rest.len() > MAX_LINE + 1 => Err(ProtocolError(format!(
            "reply line longer than {MAX_LINE} bytes"
        ))),
        None => Ok(None),
    }
}

fn parse_int(line: &[u8]) -> Result<i64, ProtocolError> {
    std::str::from_utf8(line)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| ProtocolError("malformed integer".into()))
}

/// A bulk or array length: `None` for `-1` (null), an error for other negatives or past `max`.
fn length(line: &[u8], max: usize, what: &str) -> Result<Option<usize>, ProtocolError> {
    match parse_int(line)? {
        -1 => Ok(None),
        n if n < 0 => Err(ProtocolError(format!("negative {what} length {n}"))),
        n => match usize::try_from(n) {
            Ok(n) if n <= max => Ok(Some(n)),
            _ => Err(ProtocolError(format!(
                "{what} of {n} elements or bytes exceeds the limit of {max}"
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(bytes: &[u8]) -> (Value, usize) {
        match decode(bytes).unwrap() {
            Decoded::Frame { value, len } => (value, len),
            Decoded::NeedMore => panic!("incomplete: {:?}", String::from_utf8_lossy(bytes)),
        }
    }

    #[test]
    fn encodes_arrays_of_bulk_strings() {
        let mut out = Vec::new();
        encode_command(&[b"SET", b"k", b"", b"EX", b"300"], &mut out);
        assert_eq!(
            out,
            b"*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n$2\r\nEX\r\n$3\r\n300\r\n"
        );
    }

    #[test]
    fn binary_arguments_are_length_prefixed() {
        let mut out = Vec::new();
        encode_command(&[b"GET", b"a\r\nb"], &mut out);
        assert_eq!(out, b"*2\r\n$3\r\nGET\r\n$4\r\na\r\nb\r\n");
    }

    #[test]
    fn decodes_every_reply_type() {
        let cases: [(&[u8], Value); 9] = [
            (b"+OK\r\n", Value::Simple("OK".into())),
            (b"-ERR wrong\r\n", Value::Error("ERR wrong".into())),
            (b":-12\r\n", Value::Integer(-12)),
            (b"$5\r\nhe\r\no\r\n", Value::Bulk(b"he\r\no".to_vec())),
            (b"$0\r\n\r\n", Value::Bulk(Vec::new())),
            (b"$-1\r\n", Value::Nil),
            (b"*-1\r\n", Value::Nil),
            (b"*0\r\n", Value::Array(Vec::new())),
            (
                b"*3\r\n:1\r\n$1\r\na\r\n*1\r\n+x\r\n",
                Value::Array(vec![
                    Value::Integer(1),
                    Value::Bulk(b"a".to_vec()),
                    Value::Array(vec![Value::Simple("x".into())]),
                ]),
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(frame(bytes), (expected, bytes.len()), "{bytes:?}");
        }
    }

    #[test]
    fn reports_only_the_first_reply_length() {
        let (value, len) = frame(b"+OK\r\n:1\r\n");
        assert_eq!(value, Value::Simple("OK".into()));
        assert_eq!(len, 5);
    }

    #[test]
    fn every_prefix_of_a_reply_needs_more() {
        let whole: &[u8] = b"*2\r\n$12\r\nhello\r\nworld\r\n*2\r\n:7\r\n$-1\r\n";
        for cut in 0..whole.len() {
            assert_eq!(decode(&whole[..cut]), Ok(Decoded::NeedMore), "cut at {cut}");
        }
        assert_eq!(frame(whole).1, whole.len());
    }

    #[test]
    fn rejects_malformed_replies() {
        let bad: [&[u8]; 8] = [
            b"?what\r\n",
            b"\x16\x03\x01",
            b":12a\r\n",
            b"$-2\r\n",
            b"$3\r\nabcXY",
            b"*-5\r\n",
            b"$99999999999\r\n",
            b"*99999999\r\n",
        ];
        for bytes in bad {
            assert!(decode(bytes).is_err(), "{bytes:?}");
        }
    }

    #[test]
    fn bounds_line_length_and_nesting() {
        let mut long = vec![b'+'];
        long.extend(std::iter::repeat_n(b'a', MAX_LINE + 10));
        assert!(decode(&long).is_err());
        // Just under the limit and unterminated: still waiting.
        assert_eq!(decode(&long[..MAX_LINE]), Ok(Decoded::NeedMore));

        let nested = "*1\r\n".repeat(MAX_DEPTH + 1) + ":1\r\n";
        assert!(decode(nested.as_bytes()).is_err());
        let ok = "*1\r\n".repeat(MAX_DEPTH) + ":1\r\n";
        assert!(decode(ok.as_bytes()).is_ok());
    }
}
