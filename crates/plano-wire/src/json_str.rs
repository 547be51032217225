//! JSON strings on the hot path: escaping straight into byte buffers, and [`JsonStr`], a string that borrows
//! from the input when it has no escapes.
//!
//! The escaping is what `serde_json` produces for a `&str` (escapes `"`, `\` and control characters;
//! everything else, including non-ASCII, is written as-is), so spliced values look like the rest of a
//! serialized body.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use bytes::BufMut;
use serde::{Deserialize, Deserializer};

/// A deserialized JSON string that borrows from the input unless it contained escapes. (`Cow<str>` itself
/// always allocates when deserialized inside an `Option` or a nested type.)
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonStr<'a>(pub Cow<'a, str>);

impl Deref for JsonStr<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for JsonStr<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = JsonStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(JsonStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(JsonStr(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(JsonStr(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `s` as a quoted JSON string.
pub fn write_json_string<B: BufMut + ?Sized>(out: &mut B, s: &str) {
    out.put_u8(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => {
                out.put_slice(&bytes[start..i]);
                out.put_slice(b"\\u00");
                out.put_u8(HEX[usize::from(b >> 4)]);
                out.put_u8(HEX[usize::from(b & 0xf)]);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.put_slice(&bytes[start..i]);
        out.put_slice(escape);
        start = i + 1;
    }
    out.put_slice(&bytes[start..]);
    out.put_u8(b'"');
}

/// The raw token if it is a JSON string with at least one character: `""`, `null` and non-strings give
/// `None`. Used to copy text between APIs as a still-escaped JSON token.
pub fn raw_str(raw: Option<&serde_json::value::RawValue>) -> Option<&str> {
    raw.map(serde_json::value::RawValue::get)
        .filter(|s| s.len() > 2 && s.starts_with('"'))
}

/// `s` as a quoted JSON string in a new `String`.
pub fn to_json_string(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 2);
    write_json_string(&mut out, s);
    // The input was UTF-8 and only ASCII escapes were inserted.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_serde_json() {
        for s in [
            "",
            "plain",
            "q\"b\\s/",
            "nl\n\r\t\u{8}\u{c}",
            "\u{0}\u{1f}\u{7f}",
            "héllo 😀",
        ] {
            assert_eq!(to_json_string(s), serde_json::to_string(s).unwrap());
        }
    }
}
