//! The byte-level JSON lexer behind [`super::visit_top_level`]: validates and skips values without building
//! them. Input is known to be UTF-8 (checked once up front), so only JSON grammar is checked here.

use super::ScanError;

pub(super) struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(b: &'a [u8]) -> Self {
        Cursor { b, i: 0 }
    }

    pub(super) fn pos(&self) -> usize {
        self.i
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    pub(super) fn bump(&mut self) {
        self.i += 1;
    }

    pub(super) fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    pub(super) fn syntax(&self, expected: &'static str) -> ScanError {
        ScanError::Syntax {
            offset: self.i,
            expected,
        }
    }

    pub(super) fn truncated(&self) -> ScanError {
        ScanError::Truncated { offset: self.i }
    }

    pub(super) fn expect(&mut self, byte: u8, what: &'static str) -> Result<(), ScanError> {
        match self.peek() {
            Some(b) if b == byte => {
                self.i += 1;
                Ok(())
            }
            Some(_) => Err(self.syntax(what)),
            None => Err(self.truncated()),
        }
    }

    /// Skips one complete value of any kind. Containers are tracked with an explicit stack of closers, so
    /// nesting depth costs heap (one byte per level), never stack.
    pub(super) fn value(&mut self) -> Result<(), ScanError> {
        let mut closers: Vec<u8> = Vec::new();
        loop {
            // Parse one value start; containers push and go round again for their first element.
            self.skip_ws();
            match self.peek() {
                None => return Err(self.truncated()),
                Some(b'{') => {
                    self.i += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                    } else {
                        closers.push(b'}');
                        self.member_key()?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.i += 1;
                    } else {
                        closers.push(b']');
                        continue;
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                Some(_) => return Err(self.syntax("a JSON value")),
            }
            // A value just ended: close containers until one wants another element.
            loop {
                let Some(&closer) = closers.last() else {
                    return Ok(());
                };
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.i += 1;
                        if closer == b'}' {
                            self.skip_ws();
                            self.member_key()?;
                        }
                        break;
                    }
                    Some(b) if b == closer => {
                        self.i += 1;
                        closers.pop();
                    }
                    Some(_) => {
                        return Err(self.syntax(if closer == b'}' {
                            "`,` or `}`"
                        } else {
                            "`,` or `]`"
                        }));
                    }
                    None => return Err(self.truncated()),
                }
            }
        }
    }

    fn member_key(&mut self) -> Result<(), ScanError> {
        self.string()?;
        self.skip_ws();
        self.expect(b':', "`:`")
    }

    /// Skips a string token starting at `"`; returns whether it contained escapes.
    pub(super) fn string(&mut self) -> Result<bool, ScanError> {
        match self.peek() {
            Some(b'"') => self.i += 1,
            Some(_) => return Err(self.syntax("a string")),
            None => return Err(self.truncated()),
        }
        let mut escaped = false;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.truncated());
            };
            self.i += 1;
            match b {
                b'"' => return Ok(escaped),
                b'\\' => {
                    escaped = true;
                    self.escape()?;
                }
                0x00..=0x1f => {
                    self.i -= 1;
                    return Err(self.syntax("an escaped control character"));
                }
                _ => {}
            }
        }
    }

    fn escape(&mut self) -> Result<(), ScanError> {
        let Some(b) = self.peek() else {
            return Err(self.truncated());
        };
        self.i += 1;
        match b {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Ok(()),
            b'u' => {
                let unit = self.hex4()?;
                match unit {
                    // A high surrogate must be followed by an escaped low surrogate (serde_json rejects lone
                    // surrogates when it builds a `String`, and so do we).
                    0xD800..=0xDBFF => {
                        if self.b.get(self.i) != Some(&b'\\')
                            || self.b.get(self.i + 1) != Some(&b'u')
                        {
                            return Err(self.syntax("a low surrogate escape"));
                        }
                        self.i += 2;
                        match self.hex4()? {
                            0xDC00..=0xDFFF => Ok(()),
                            _ => Err(self.syntax("a low surrogate escape")),
                        }
                    }
                    0xDC00..=0xDFFF => Err(self.syntax("a high surrogate before a low surrogate")),
                    _ => Ok(()),
                }
            }
            _ => {
                self.i -= 1;
                Err(self.syntax("a valid escape"))
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ScanError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let Some(b) = self.peek() else {
                return Err(self.truncated());
            };
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return Err(self.syntax("four hex digits")),
            };
            v = v * 16 + u32::from(d);
            self.i += 1;
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<(), ScanError> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            Some(_) => return Err(self.syntax("a digit")),
            None => return Err(self.truncated()),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self
                    .peek()
                    .map_or(self.truncated(), |_| self.syntax("a digit")));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self
                    .peek()
                    .map_or(self.truncated(), |_| self.syntax("a digit")));
            }
        }
        Ok(())
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), ScanError> {
        let end = self.i + word.len();
        match self.b.get(self.i..end) {
            Some(s) if s == word => {
                self.i = end;
                Ok(())
            }
            _ if word.starts_with(&self.b[self.i..]) => Err(ScanError::Truncated {
                offset: self.b.len(),
            }),
            _ => Err(self.syntax("`true`, `false` or `null`")),
        }
    }
}

/// Decodes the escapes of a validated JSON string body (without quotes).
pub(super) fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hi = hex_unit(&mut chars);
                let code = if (0xD800..=0xDBFF).contains(&hi) {
                    // Validated: `\uDCxx` follows.
                    chars.next();
                    chars.next();
                    let lo = hex_unit(&mut chars);
                    0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
                } else {
                    hi
                };
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn hex_unit(chars: &mut std::str::Chars<'_>) -> u32 {
    (0..4).fold(0, |acc, _| {
        acc * 16 + chars.next().and_then(|c| c.to_digit(16)).unwrap_or(0)
    })
}
