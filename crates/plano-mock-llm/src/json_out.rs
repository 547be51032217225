//! A tiny streaming JSON writer for the hot responses.
//!
//! `serde_json::json!` builds an `IndexMap` per object (the workspace enables
//! `preserve_order`), hashing every key with SipHash, then serializes it: most of a
//! default request's user-space CPU in a profile. Writing straight into the output buffer
//! keeps the mock the cheap floor the benchmark needs, and fixes the key order to the one
//! the providers use. Keys are static ASCII and are written unescaped.

use serde_json::Value;

use crate::sse_writer::{push_json, push_json_str};

/// Append `v` in decimal.
pub(crate) fn push_u64(buf: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Write one JSON object built by `f`.
pub(crate) fn object(buf: &mut Vec<u8>, f: impl FnOnce(&mut Obj<'_>)) {
    buf.push(b'{');
    let mut o = Obj { buf, first: true };
    f(&mut o);
    o.buf.push(b'}');
}

/// Write one JSON array built by `f`.
pub(crate) fn array(buf: &mut Vec<u8>, f: impl FnOnce(&mut Arr<'_>)) {
    buf.push(b'[');
    let mut a = Arr { buf, first: true };
    f(&mut a);
    a.buf.push(b']');
}

pub(crate) struct Obj<'b> {
    buf: &'b mut Vec<u8>,
    first: bool,
}

impl Obj<'_> {
    fn key(&mut self, k: &str) -> &mut Vec<u8> {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
        self.buf.push(b'"');
        self.buf.extend_from_slice(k.as_bytes());
        self.buf.extend_from_slice(b"\":");
        self.buf
    }

    pub(crate) fn str(&mut self, k: &str, v: &str) -> &mut Self {
        push_json_str(self.key(k), v);
        self
    }

    /// A string, or `null` when absent.
    pub(crate) fn opt_str(&mut self, k: &str, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.str(k, v),
            None => self.raw(k, "null"),
        }
    }

    pub(crate) fn u64(&mut self, k: &str, v: u64) -> &mut Self {
        push_u64(self.key(k), v);
        self
    }

    /// A literal JSON fragment (`null`, `[]`, `true`, a number…).
    pub(crate) fn raw(&mut self, k: &str, json: &str) -> &mut Self {
        self.key(k).extend_from_slice(json.as_bytes());
        self
    }

    pub(crate) fn value(&mut self, k: &str, v: &Value) -> &mut Self {
        push_json(self.key(k), v);
        self
    }

    pub(crate) fn obj(&mut self, k: &str, f: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        object(self.key(k), f);
        self
    }

    pub(crate) fn arr(&mut self, k: &str, f: impl FnOnce(&mut Arr<'_>)) -> &mut Self {
        array(self.key(k), f);
        self
    }
}

pub(crate) struct Arr<'b> {
    buf: &'b mut Vec<u8>,
    first: bool,
}

impl Arr<'_> {
    fn sep(&mut self) -> &mut Vec<u8> {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
        self.buf
    }

    pub(crate) fn obj(&mut self, f: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        object(self.sep(), f);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_valid_json() {
        let mut buf = Vec::new();
        object(&mut buf, |o| {
            o.str("s", "a\"é\n")
                .u64("n", 0)
                .u64("m", 18_446_744_073_709_551_615);
            o.opt_str("none", None).raw("r", "[]");
            o.arr("a", |a| {
                a.obj(|o| {
                    o.value("v", &serde_json::json!({"k": [1, 2]}));
                });
                a.obj(|_| {});
            });
            o.obj("o", |_| {});
        });
        let v: Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"s": "a\"é\n", "n": 0, "m": 18_446_744_073_709_551_615u64,
                "none": null, "r": [], "a": [{"v": {"k": [1, 2]}}, {}], "o": {}})
        );
    }
}
