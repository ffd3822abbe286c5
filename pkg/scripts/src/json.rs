//! `parse_json`: JSON text to Rhai values, keeping numbers exact.
//!
//! Objects become maps, arrays arrays, strings strings, integers that fit `i64` become integers, and
//! every other number (fractions, exponents, huge integers) becomes a STRING holding its exact text,
//! so that prices never pass through floating point. `null` becomes `()`. Pure, no IO.

use std::borrow::Cow;

use rhai::{Array, Dynamic, Map};

pub mod table;

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 64;

/// Why a text is not JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSON at byte {offset}: {message}")]
pub struct JsonError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What was expected and what came.
    pub message: String,
}

/// Parses one JSON document (surrounding whitespace allowed).
pub fn parse_json(text: &str) -> Result<Dynamic, JsonError> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    };
    p.skip_ws();
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos != p.bytes.len() {
        return Err(p.error("expected the end of the document, found more text"));
    }
    Ok(value)
}

/// Bytes that end the plain part of a JSON string: the closing quote, an escape, a control character.
static STRING_STOP: [bool; 256] = {
    let mut stop = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        stop[b] = true;
        b += 1;
    }
    stop[b'"' as usize] = true;
    stop[b'\\' as usize] = true;
    stop
};

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, message: &str) -> JsonError {
        JsonError {
            offset: self.pos,
            message: message.to_owned(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect_word(&mut self, word: &str, value: Dynamic) -> Result<Dynamic, JsonError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error(&format!("expected `{word}`")))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Dynamic, JsonError> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => Ok(Dynamic::from(rhai::ImmutableString::from(
                self.text_of_string()?.as_ref(),
            ))),
            Some(b't') => self.expect_word("true", Dynamic::TRUE),
            Some(b'f') => self.expect_word("false", Dynamic::FALSE),
            Some(b'n') => self.expect_word("null", Dynamic::UNIT),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => {
                Err(self
                    .error("expected a value (object, array, string, number, true, false, null)"))
            }
            None => Err(self.error("expected a value, found the end of the text")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Dynamic, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error(&format!("nesting deeper than {MAX_DEPTH}")));
        }
        self.pos += 1;
        let mut map = Map::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Dynamic::from_map(map));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.text_of_string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("expected `:` after an object key"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth)?;
            map.insert(key.as_ref().into(), value);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Dynamic::from_map(map));
                }
                _ => return Err(self.error("expected `,` or `}` in an object")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Dynamic, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error(&format!("nesting deeper than {MAX_DEPTH}")));
        }
        self.pos += 1;
        let mut array = Array::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Dynamic::from_array(array));
        }
        loop {
            self.skip_ws();
            array.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Dynamic::from_array(array));
                }
                _ => return Err(self.error("expected `,` or `]` in an array")),
            }
        }
    }

    /// Parses a string starting at the opening quote, borrowing it from the input when it has no
    /// escapes (the common case).
    fn text_of_string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        let start = self.pos + 1;
        let rest = &self.bytes[start..];
        // Most strings are short keys and numbers: a table-driven byte loop over the first bytes,
        // then a SIMD search for the closing quote or an escape in longer strings.
        let head = rest.len().min(32);
        let end = match rest[..head]
            .iter()
            .position(|&b| STRING_STOP[usize::from(b)])
        {
            Some(i) => Some(i),
            None => memchr::memchr2(b'"', b'\\', &rest[head..]).map(|i| head + i),
        };
        if let Some(end) = end
            && rest[end] == b'"'
            && (end < head || !rest[head..end].iter().any(|&b| b < 0x20))
        {
            self.pos = start + end + 1;
            return Ok(Cow::Borrowed(&self.text[start..start + end]));
        }
        self.string().map(Cow::Owned)
    }

    /// Parses a string starting at the opening quote.
    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1;
        let start = self.pos;
        // Fast path: no escapes.
        while let Some(b) = self.peek() {
            match b {
                b'"' => {
                    let s = self.text[start..self.pos].to_owned();
                    self.pos += 1;
                    return Ok(s);
                }
                b'\\' => break,
                0..=0x1f => return Err(self.error("control character in a string")),
                _ => self.pos += 1,
            }
        }
        let mut out = self.text[start..self.pos].to_owned();
        loop {
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                Some(0..=0x1f) => return Err(self.error("control character in a string")),
                Some(_) => {
                    let run = self.pos;
                    while let Some(b) = self.peek() {
                        if b == b'"' || b == b'\\' || b < 0x20 {
                            break;
                        }
                        self.pos += 1;
                    }
                    out.push_str(&self.text[run..self.pos]);
                }
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let high = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&high) {
                    if !self.bytes[self.pos..].starts_with(b"\\u") {
                        return Err(self.error("expected a low surrogate after a high surrogate"));
                    }
                    self.pos += 2;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(self.error("expected a low surrogate (DC00-DFFF)"));
                    }
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    high
                };
                let c = char::from_u32(code)
                    .ok_or_else(|| self.error("lone surrogate in \\u escape"))?;
                out.push(c);
                return Ok(());
            }
            _ => return Err(self.error("unknown escape sequence")),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("expected 4 hex digits"))?;
        let v = u32::from_str_radix(digits, 16).map_err(|_| self.error("expected 4 hex digits"))?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error("expected 4 hex digits"));
        }
        self.pos += 4;
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Dynamic, JsonError> {
        let (start, integer) = self.number_span()?;
        let text = &self.text[start..self.pos];
        if integer && let Ok(i) = text.parse::<i64>() {
            return Ok(Dynamic::from_int(i));
        }
        Ok(Dynamic::from(text.to_owned()))
    }

    /// Scans a number; returns where it starts and whether it is written as an integer (no
    /// fraction, no exponent). It ends at `self.pos`.
    fn number_span(&mut self) -> Result<(usize, bool), JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        let n = self.digits();
        if n == 0 {
            return Err(self.error("expected digits in a number"));
        }
        if n > 1 && self.bytes[int_start] == b'0' {
            return Err(self.error("leading zero in a number"));
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            integer = false;
            if self.digits() == 0 {
                return Err(self.error("expected digits after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("expected digits in an exponent"));
            }
        }
        Ok((start, integer))
    }
}

#[cfg(test)]
mod tests;
