//! MDN canonical encoding v1: the [`Encode`] / [`Decode`] traits, the bounds-checked [`Reader`], the
//! decoder limits and [`DecodeError`].
//!
//! The encoding is hand-written and deterministic: every value has exactly one valid encoding, and
//! the decoder rejects everything else (wrong tags, non-canonical decimals, trailing bytes). The byte
//! layout is specified normatively in `docs/protocol.md`.
//!
//! Values that break a decoder limit (a string longer than allowed, more than
//! [`MAX_QUOTES_PER_BATCH`] quotes, ...) have no valid encoding: they encode, but do not decode.

mod error;
mod impls;
mod reader;

pub use error::DecodeError;
pub use reader::Reader;

/// Version byte that starts every top-level message and stored blob.
pub const WIRE_VERSION: u8 = 0x01;

/// Message-type byte of an [`crate::ObservationBatch`] (after the version byte).
pub const MSG_OBSERVATION_BATCH: u8 = 0x01;
/// Message-type byte of a [`crate::VoteBatch`].
pub const MSG_VOTE_BATCH: u8 = 0x02;
/// Message-type byte of a [`crate::Certificate`].
pub const MSG_CERTIFICATE: u8 = 0x03;
/// Message-type byte of a [`crate::Decision`].
pub const MSG_DECISION: u8 = 0x04;
/// Message-type byte of a [`crate::report::ReputationReport`].
pub const MSG_REPUTATION_REPORT: u8 = 0x06;

/// Longest string or byte string the decoder accepts (bytes).
pub const MAX_STRING_LEN: usize = 256;
/// Longest network id (bytes).
pub const MAX_NETWORK_ID_LEN: usize = 64;
/// Longest quote source name (bytes).
pub const MAX_SOURCE_LEN: usize = 64;
/// Most quotes in one observation batch.
pub const MAX_QUOTES_PER_BATCH: usize = 4096;
/// Most votes in one vote batch.
pub const MAX_VOTES_PER_BATCH: usize = 4096;
/// Most entries in one certificate.
pub const MAX_CERTIFICATE_ENTRIES: usize = 1024;
/// Most sibling hashes in one Merkle proof (trees have at most 2^32 leaves).
pub const MAX_MERKLE_SIBLINGS: usize = 32;

/// A value with a canonical byte encoding.
pub trait Encode {
    /// Appends the canonical encoding of `self` to `out`.
    fn encode(&self, out: &mut Vec<u8>);

    /// The canonical encoding of `self` as a new vector.
    fn encode_to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }
}

/// A value that can be read back from its canonical encoding.
pub trait Decode: Sized {
    /// Reads one value from `r`, leaving `r` just after it.
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError>;

    /// Decodes exactly one value from `bytes`; trailing bytes are an error.
    fn decode_from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let value = Self::decode(&mut r)?;
        r.finish()?;
        Ok(value)
    }
}

/// Writers for the primitive encodings, shared by the type impls.
pub(crate) mod put {
    /// u16, little-endian.
    pub(crate) fn u16(out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&v.to_le_bytes());
    }

    /// u32, little-endian.
    pub(crate) fn u32(out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&v.to_le_bytes());
    }

    /// u64, little-endian.
    pub(crate) fn u64(out: &mut Vec<u8>, v: u64) {
        out.extend_from_slice(&v.to_le_bytes());
    }

    /// i64, little-endian two's complement.
    pub(crate) fn i64(out: &mut Vec<u8>, v: i64) {
        out.extend_from_slice(&v.to_le_bytes());
    }

    /// A length or count prefix: u32. Lengths beyond u32 saturate (and are rejected by the decoder,
    /// whose limits are far lower).
    pub(crate) fn len(out: &mut Vec<u8>, n: usize) {
        u32(out, u32::try_from(n).unwrap_or(u32::MAX));
    }

    /// A string or byte string: u32 length + bytes.
    pub(crate) fn bytes(out: &mut Vec<u8>, b: &[u8]) {
        len(out, b.len());
        out.extend_from_slice(b);
    }

    /// The version byte and message-type byte of a top-level message.
    pub(crate) fn header(out: &mut Vec<u8>, msg_type: u8) {
        out.push(super::WIRE_VERSION);
        out.push(msg_type);
    }
}

#[cfg(test)]
mod tests;
