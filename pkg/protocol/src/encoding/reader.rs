//! [`Reader`]: a bounds-checked cursor over untrusted bytes. Nothing is allocated from a length prefix
//! before the prefix is checked against the decoder limit and the remaining input.

use super::DecodeError;

/// A cursor over an input slice that reads the primitive encodings.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Current offset from the start of the input.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Errors unless the whole input has been read.
    pub fn finish(&self) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            remaining => Err(DecodeError::TrailingBytes {
                offset: self.pos,
                remaining,
            }),
        }
    }

    /// Reads `n` raw bytes.
    pub fn bytes(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        if n > self.remaining() {
            return Err(DecodeError::UnexpectedEnd {
                what,
                offset: self.pos,
                needed: n,
                remaining: self.remaining(),
            });
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    /// Reads a fixed-size byte array.
    pub fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N, what)?);
        Ok(out)
    }

    /// Reads one byte.
    pub fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        Ok(self.array::<1>(what)?[0])
    }

    /// Reads a little-endian u16.
    pub fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    /// Reads a little-endian u32.
    pub fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    /// Reads a little-endian u64.
    pub fn u64(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    /// Reads a little-endian i64.
    pub fn i64(&mut self, what: &'static str) -> Result<i64, DecodeError> {
        Ok(i64::from_le_bytes(self.array(what)?))
    }

    /// Reads a little-endian i128.
    pub fn i128(&mut self, what: &'static str) -> Result<i128, DecodeError> {
        Ok(i128::from_le_bytes(self.array(what)?))
    }

    /// Reads a u32 count prefix of a sequence whose items take at least `min_item_size` bytes each,
    /// and checks it against `max` and against the remaining input before anything is allocated.
    pub fn count(
        &mut self,
        max: usize,
        min_item_size: usize,
        what: &'static str,
    ) -> Result<usize, DecodeError> {
        let offset = self.pos;
        let n = self.u32(what)?;
        let n_usize = usize::try_from(n).unwrap_or(usize::MAX);
        let fits = n_usize
            .checked_mul(min_item_size.max(1))
            .is_some_and(|total| total <= self.remaining());
        if n_usize > max || !fits {
            return Err(DecodeError::TooLong {
                what,
                offset,
                max: max.min(self.remaining() / min_item_size.max(1)),
                got: u64::from(n),
            });
        }
        Ok(n_usize)
    }

    /// Reads a length-prefixed byte string of at most `max` bytes.
    pub fn byte_string(&mut self, max: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let n = self.count(max, 1, what)?;
        self.bytes(n, what)
    }

    /// Reads a length-prefixed UTF-8 string of at most `max` bytes.
    pub fn string(&mut self, max: usize, what: &'static str) -> Result<String, DecodeError> {
        let offset = self.pos;
        let raw = self.byte_string(max, what)?;
        match std::str::from_utf8(raw) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) => Err(DecodeError::Invalid {
                what,
                offset,
                expected: "UTF-8 text",
                got: format!("invalid UTF-8 after {} valid bytes", e.valid_up_to()),
            }),
        }
    }

    /// Reads and checks the version byte and message-type byte of a top-level message.
    pub fn message_header(&mut self, msg_type: u8, what: &'static str) -> Result<(), DecodeError> {
        let offset = self.pos;
        let version = self.u8("version byte")?;
        if version != super::WIRE_VERSION {
            return Err(DecodeError::Invalid {
                what: "version byte",
                offset,
                expected: "0x01 (MDN canonical encoding v1)",
                got: format!("0x{version:02x}"),
            });
        }
        let ty = self.u8("message-type byte")?;
        if ty != msg_type {
            return Err(DecodeError::Invalid {
                what: "message-type byte",
                offset: offset + 1,
                expected: what,
                got: format!("0x{ty:02x}"),
            });
        }
        Ok(())
    }

    /// Builds an [`DecodeError::Invalid`] for a value that started at `offset`.
    pub fn invalid(
        &self,
        what: &'static str,
        offset: usize,
        expected: &'static str,
        got: impl std::fmt::Display,
    ) -> DecodeError {
        DecodeError::Invalid {
            what,
            offset,
            expected,
            got: got.to_string(),
        }
    }
}
