//! A DOM-free scanner for the passthrough path: when client and upstream speak the same API, the gateway only
//! needs the top-level `model` (to route and rewrite it) and `stream` (to pick the response path). Parsing the
//! whole body into a `Value` and re-serializing it would cost time and could reorder or reformat fields;
//! instead we validate the body in one pass, record where those values are, and splice a new `model` in,
//! leaving every other byte identical.
//!
//! The scanner accepts exactly the JSON that `serde_json` accepts for a top-level object, with one documented
//! exception: numbers too large for an `f64` (`1e400`) are accepted (they are passed on, not interpreted).
//! Nested objects, arrays and strings (with escapes) are skipped without recursion, so deep nesting cannot
//! overflow the stack. Duplicate `model` or `stream` keys are rejected: providers disagree on which one wins,
//! and a request that routes on one and runs on the other must not happen.

mod cursor;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use cursor::Cursor;

use crate::json_str::write_json_string;

/// Byte range of a JSON value inside a body (`start..end`; for strings, including the quotes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A JSON string token located in a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StringSpan {
    pub span: Span,
    /// The token contains backslash escapes, so its value differs from its raw bytes.
    pub escaped: bool,
}

impl StringSpan {
    /// The decoded string value. Borrows from `body` unless it had escapes.
    pub fn value<'a>(&self, body: &'a [u8]) -> Cow<'a, str> {
        let raw = &body[self.span.start + 1..self.span.end - 1];
        let text = String::from_utf8_lossy(raw);
        if self.escaped {
            Cow::Owned(cursor::unescape(&text))
        } else {
            text
        }
    }
}

/// What the passthrough path needs to know about a request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestScan {
    /// The top-level `"model"` string, if present.
    pub model: Option<StringSpan>,
    /// The top-level `"stream"` flag (`null` reads as absent).
    pub stream: Option<bool>,
    /// The body carries per-request `"routing_preferences"` (which must not reach a provider).
    pub routing_preferences: bool,
    /// Offset of the object's opening `{`.
    open_brace: usize,
    /// The object has no members.
    empty: bool,
}

/// Why a body is not a JSON object we can work with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error("request body is not valid UTF-8")]
    NotUtf8,
    #[error("request body is not a JSON object")]
    NotAnObject,
    #[error("invalid JSON at byte {offset}: expected {expected}")]
    Syntax {
        offset: usize,
        expected: &'static str,
    },
    #[error("JSON ends unexpectedly at byte {offset}")]
    Truncated { offset: usize },
    #[error("unexpected data after the JSON object at byte {offset}")]
    TrailingData { offset: usize },
    #[error("duplicate top-level field `{0}`")]
    DuplicateKey(&'static str),
    #[error("top-level `model` must be a string")]
    ModelNotString,
    #[error("top-level `stream` must be a boolean")]
    StreamNotBool,
    #[error("the value to insert is not a single JSON value")]
    InvalidValue,
}

/// Validates `body` as a JSON object and calls `visit(key, value_span)` for each top-level member, in order.
/// Returns the offset of the opening brace and whether the object was empty.
pub fn visit_top_level(
    body: &[u8],
    visit: &mut dyn FnMut(&str, Span) -> Result<(), ScanError>,
) -> Result<(usize, bool), ScanError> {
    let text = std::str::from_utf8(body).map_err(|_| ScanError::NotUtf8)?;
    let mut cur = Cursor::new(text.as_bytes());
    cur.skip_ws();
    let open = cur.pos();
    if cur.peek() != Some(b'{') {
        return Err(if cur.peek().is_none() {
            ScanError::Truncated { offset: open }
        } else {
            ScanError::NotAnObject
        });
    }
    cur.bump();
    cur.skip_ws();
    let mut empty = true;
    if cur.peek() == Some(b'}') {
        cur.bump();
    } else {
        empty = false;
        loop {
            cur.skip_ws();
            let key_start = cur.pos();
            let key_escaped = cur.string()?;
            let key_raw = &text[key_start + 1..cur.pos() - 1];
            let key: Cow<'_, str> = if key_escaped {
                Cow::Owned(cursor::unescape(key_raw))
            } else {
                Cow::Borrowed(key_raw)
            };
            cur.skip_ws();
            cur.expect(b':', "`:`")?;
            cur.skip_ws();
            let start = cur.pos();
            cur.value()?;
            visit(
                &key,
                Span {
                    start,
                    end: cur.pos(),
                },
            )?;
            cur.skip_ws();
            match cur.peek() {
                Some(b',') => cur.bump(),
                Some(b'}') => {
                    cur.bump();
                    break;
                }
                Some(_) => return Err(cur.syntax("`,` or `}`")),
                None => return Err(cur.truncated()),
            }
        }
    }
    cur.skip_ws();
    if cur.peek().is_some() {
        return Err(ScanError::TrailingData { offset: cur.pos() });
    }
    Ok((open, empty))
}

/// Finds the top-level `model` and `stream` of a request body, validating the whole body as JSON.
pub fn scan_request(body: &[u8]) -> Result<RequestScan, ScanError> {
    let mut model: Option<StringSpan> = None;
    let mut stream: Option<Option<bool>> = None;
    let mut routing_preferences = false;
    let (open_brace, empty) = visit_top_level(body, &mut |key, span| {
        let raw = &body[span.start..span.end];
        match key {
            "model" => {
                if model.is_some() {
                    return Err(ScanError::DuplicateKey("model"));
                }
                if raw.first() != Some(&b'"') {
                    return Err(ScanError::ModelNotString);
                }
                model = Some(StringSpan {
                    span,
                    escaped: raw.contains(&b'\\'),
                });
            }
            "stream" => {
                if stream.is_some() {
                    return Err(ScanError::DuplicateKey("stream"));
                }
                stream = Some(match raw {
                    b"true" => Some(true),
                    b"false" => Some(false),
                    b"null" => None,
                    _ => return Err(ScanError::StreamNotBool),
                });
            }
            "routing_preferences" => routing_preferences = true,
            _ => {}
        }
        Ok(())
    })?;
    Ok(RequestScan {
        model,
        stream: stream.flatten(),
        routing_preferences,
        open_brace,
        empty,
    })
}

/// Replaces the string at `span` (as found by [`scan_request`]) with `new_value`, JSON-escaped. Every other
/// byte of `body` is kept.
pub fn replace_top_level_string(body: &[u8], span: Span, new_value: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() - (span.end - span.start) + new_value.len() + 2);
    out.extend_from_slice(&body[..span.start]);
    write_json_string(&mut out, new_value);
    out.extend_from_slice(&body[span.end..]);
    out
}

/// Inserts `"key": <json_value>` as the first member of the top-level object in `body`. `json_value` must be
/// one complete JSON value; it is validated, not re-encoded. The caller is responsible for `key` not already
/// being present (use [`scan_request`] or [`visit_top_level`] first).
pub fn insert_top_level_field(
    body: &[u8],
    key: &str,
    json_value: &[u8],
) -> Result<Vec<u8>, ScanError> {
    let (open, empty) = visit_top_level(body, &mut |_, _| Ok(()))?;
    validate_value(json_value)?;
    Ok(splice_first_member(body, open, empty, key, json_value))
}

/// Sets the top-level `model` to `new_model`: replaced in place if present, inserted first otherwise.
pub fn set_model(body: &[u8], new_model: &str) -> Result<Vec<u8>, ScanError> {
    let scan = scan_request(body)?;
    Ok(set_model_scanned(body, &scan, new_model))
}

/// [`set_model`] for a body already scanned (avoids a second validation pass).
pub fn set_model_scanned(body: &[u8], scan: &RequestScan, new_model: &str) -> Vec<u8> {
    match scan.model {
        Some(model) => replace_top_level_string(body, model.span, new_model),
        None => {
            let mut value = Vec::with_capacity(new_model.len() + 2);
            write_json_string(&mut value, new_model);
            splice_first_member(body, scan.open_brace, scan.empty, "model", &value)
        }
    }
}

fn splice_first_member(body: &[u8], open: usize, empty: bool, key: &str, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + key.len() + value.len() + 4);
    out.extend_from_slice(&body[..=open]);
    write_json_string(&mut out, key);
    out.push(b':');
    out.extend_from_slice(value);
    if !empty {
        out.push(b',');
    }
    out.extend_from_slice(&body[open + 1..]);
    out
}

/// Checks that `bytes` is exactly one JSON value (surrounding whitespace allowed).
pub fn validate_value(bytes: &[u8]) -> Result<(), ScanError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ScanError::InvalidValue)?;
    let mut cur = Cursor::new(text.as_bytes());
    cur.skip_ws();
    cur.value().map_err(|_| ScanError::InvalidValue)?;
    cur.skip_ws();
    if cur.peek().is_some() {
        return Err(ScanError::InvalidValue);
    }
    Ok(())
}
