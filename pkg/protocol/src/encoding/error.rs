//! [`DecodeError`]: why bytes are not a canonical encoding, and where.

/// Why a byte string is not the canonical encoding of the expected value. Every variant names the
/// byte offset (from the start of the input) where the problem was found.
///
/// ## Peer scoring
/// A gossiped message that fails to decode is malformed: the sender (or whoever forwarded it) is at
/// fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The input ended inside a value.
    #[error(
        "unexpected end of input at byte {offset}: expected {needed} bytes for {what}, {remaining} left"
    )]
    UnexpectedEnd {
        /// What was being read.
        what: &'static str,
        /// Offset where it starts.
        offset: usize,
        /// Bytes needed.
        needed: usize,
        /// Bytes left in the input.
        remaining: usize,
    },
    /// A length or count prefix is above the decoder limit, or cannot fit in the remaining input.
    #[error("{what} at byte {offset} too long: expected at most {max}, got {got}")]
    TooLong {
        /// What was being read.
        what: &'static str,
        /// Offset of the length prefix.
        offset: usize,
        /// The largest accepted value.
        max: usize,
        /// The value found.
        got: u64,
    },
    /// A byte or field has a value outside its allowed set.
    #[error("invalid {what} at byte {offset}: expected {expected}, got {got}")]
    Invalid {
        /// What was being read.
        what: &'static str,
        /// Offset where it starts.
        offset: usize,
        /// What would have been valid.
        expected: &'static str,
        /// What came, rendered as text.
        got: String,
    },
    /// The value ended before the input did.
    #[error("trailing bytes at byte {offset}: expected end of input, {remaining} bytes left")]
    TrailingBytes {
        /// Offset where the value ended.
        offset: usize,
        /// Bytes left after it.
        remaining: usize,
    },
}
