//! Event-stream headers: `[name length u8][name][type u8][value]`, values typed by tag 0–9.

use bytes::{BufMut, Bytes};

use super::{EventStreamError, HeaderError};

/// One header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: HeaderValue,
}

impl Header {
    pub fn new(name: impl Into<String>, value: HeaderValue) -> Self {
        Header {
            name: name.into(),
            value,
        }
    }

    /// A string header, the kind Bedrock sends.
    pub fn string(name: impl Into<String>, value: impl Into<String>) -> Self {
        Header::new(name, HeaderValue::String(value.into()))
    }
}

/// A header value. The wire tag is in parentheses; booleans carry their value in the tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    /// `true` (0) / `false` (1), no value bytes.
    Bool(bool),
    /// (2) one signed byte.
    Byte(i8),
    /// (3) `i16`.
    Int16(i16),
    /// (4) `i32`.
    Int32(i32),
    /// (5) `i64`.
    Int64(i64),
    /// (6) `u16` length + bytes.
    Bytes(Bytes),
    /// (7) `u16` length + UTF-8.
    String(String),
    /// (8) milliseconds since the Unix epoch, `i64`.
    Timestamp(i64),
    /// (9) 16 bytes.
    Uuid([u8; 16]),
}

impl HeaderValue {
    fn tag(&self) -> u8 {
        match self {
            HeaderValue::Bool(true) => 0,
            HeaderValue::Bool(false) => 1,
            HeaderValue::Byte(_) => 2,
            HeaderValue::Int16(_) => 3,
            HeaderValue::Int32(_) => 4,
            HeaderValue::Int64(_) => 5,
            HeaderValue::Bytes(_) => 6,
            HeaderValue::String(_) => 7,
            HeaderValue::Timestamp(_) => 8,
            HeaderValue::Uuid(_) => 9,
        }
    }
}

/// Parses a whole header block. `base` is the block's offset in the message, for error positions.
pub(super) fn parse_headers(block: &Bytes, base: usize) -> Result<Vec<Header>, EventStreamError> {
    let mut headers = Vec::new();
    let mut r = Reader {
        buf: block,
        pos: 0,
        base,
    };
    while r.pos < block.len() {
        headers.push(r.header()?);
    }
    Ok(headers)
}

struct Reader<'a> {
    buf: &'a Bytes,
    pos: usize,
    base: usize,
}

impl Reader<'_> {
    fn fail(&self, reason: HeaderError) -> EventStreamError {
        EventStreamError::Header {
            offset: self.base + self.pos,
            reason,
        }
    }

    fn take(&mut self, n: usize) -> Result<&[u8], EventStreamError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.buf.len())
            .ok_or_else(|| self.fail(HeaderError::Truncated))?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], EventStreamError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn header(&mut self) -> Result<Header, EventStreamError> {
        let start = self.pos;
        let [name_len] = self.array::<1>()?;
        if name_len == 0 {
            self.pos = start;
            return Err(self.fail(HeaderError::EmptyName));
        }
        let name_at = self.base + start + 1;
        let name = std::str::from_utf8(self.take(usize::from(name_len))?)
            .map(str::to_owned)
            .map_err(|_| EventStreamError::Header {
                offset: name_at,
                reason: HeaderError::NameNotUtf8,
            })?;
        let [tag] = self.array::<1>()?;
        let value = match tag {
            0 => HeaderValue::Bool(true),
            1 => HeaderValue::Bool(false),
            2 => HeaderValue::Byte(i8::from_be_bytes(self.array()?)),
            3 => HeaderValue::Int16(i16::from_be_bytes(self.array()?)),
            4 => HeaderValue::Int32(i32::from_be_bytes(self.array()?)),
            5 => HeaderValue::Int64(i64::from_be_bytes(self.array()?)),
            6 => {
                let len = usize::from(u16::from_be_bytes(self.array()?));
                let from = self.pos;
                self.take(len)?;
                HeaderValue::Bytes(self.buf.slice(from..self.pos))
            }
            7 => {
                let len = usize::from(u16::from_be_bytes(self.array()?));
                let at = self.base + self.pos;
                let text =
                    std::str::from_utf8(self.take(len)?).map_err(|_| EventStreamError::Header {
                        offset: at,
                        reason: HeaderError::ValueNotUtf8,
                    })?;
                HeaderValue::String(text.to_owned())
            }
            8 => HeaderValue::Timestamp(i64::from_be_bytes(self.array()?)),
            9 => HeaderValue::Uuid(self.array()?),
            other => {
                self.pos -= 1;
                return Err(self.fail(HeaderError::UnknownType(other)));
            }
        };
        Ok(Header { name, value })
    }
}

/// Appends one encoded header.
pub(super) fn write_header<B: BufMut>(out: &mut B, h: &Header) -> Result<(), HeaderError> {
    let name_len = u8::try_from(h.name.len()).map_err(|_| HeaderError::NameTooLong)?;
    if name_len == 0 {
        return Err(HeaderError::EmptyName);
    }
    out.put_u8(name_len);
    out.put_slice(h.name.as_bytes());
    out.put_u8(h.value.tag());
    match &h.value {
        HeaderValue::Bool(_) => {}
        HeaderValue::Byte(v) => out.put_i8(*v),
        HeaderValue::Int16(v) => out.put_i16(*v),
        HeaderValue::Int32(v) => out.put_i32(*v),
        HeaderValue::Int64(v) | HeaderValue::Timestamp(v) => out.put_i64(*v),
        HeaderValue::Bytes(b) => put_sized(out, b)?,
        HeaderValue::String(s) => put_sized(out, s.as_bytes())?,
        HeaderValue::Uuid(u) => out.put_slice(u),
    }
    Ok(())
}

fn put_sized<B: BufMut>(out: &mut B, bytes: &[u8]) -> Result<(), HeaderError> {
    let len = u16::try_from(bytes.len()).map_err(|_| HeaderError::ValueTooLong)?;
    out.put_u16(len);
    out.put_slice(bytes);
    Ok(())
}

/// Encoded size of one header (for sizing the prelude before writing).
pub(super) fn encoded_len(h: &Header) -> usize {
    let value = match &h.value {
        HeaderValue::Bool(_) => 0,
        HeaderValue::Byte(_) => 1,
        HeaderValue::Int16(_) => 2,
        HeaderValue::Int32(_) => 4,
        HeaderValue::Int64(_) | HeaderValue::Timestamp(_) => 8,
        HeaderValue::Bytes(b) => 2 + b.len(),
        HeaderValue::String(s) => 2 + s.len(),
        HeaderValue::Uuid(_) => 16,
    };
    1 + h.name.len() + 1 + value
}
