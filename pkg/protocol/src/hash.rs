//! Domain-separation tags and SHA-256 helpers: quote ids and the signing inputs of signed messages.

use sha2::{Digest, Sha256};

use crate::encoding::Encode;
use crate::types::{Hash32, Quote, QuoteId};

/// Tag prefixed to an encoded quote before hashing it into its id.
pub const TAG_QUOTE_ID: &[u8] = b"mdnode/v1/quote-id";
/// Tag prefixed to an observation batch's unsigned encoding to form the signed message.
pub const TAG_OBSERVATION_BATCH: &[u8] = b"mdnode/v1/observation-batch";
/// Tag prefixed to an encoded vote batch header to form the signed message.
pub const TAG_VOTE_BATCH: &[u8] = b"mdnode/v1/vote-batch";
/// Tag prefixed to a reputation report's unsigned encoding to form the signed message.
pub const TAG_REPUTATION_REPORT: &[u8] = b"mdnode/v1/reputation-report";
/// Tag prefixed to an encoded vote to form its Merkle leaf bytes.
pub const TAG_VOTE_LEAF: &[u8] = b"mdnode/v1/vote";
/// Tag prefixed to a script announcement's unsigned encoding to form the signed message.
pub const TAG_SCRIPT_ANNOUNCEMENT: &[u8] = b"mdnode/v1/script-announcement";

/// SHA-256 of the concatenation of `parts`.
pub fn sha256(parts: &[&[u8]]) -> Hash32 {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    Hash32(h.finalize().into())
}

/// `tag || encode(value)`: the domain-separated bytes that are hashed or signed.
pub fn tagged_encoding<T: Encode + ?Sized>(tag: &[u8], value: &T) -> Vec<u8> {
    let mut out = tag.to_vec();
    value.encode(&mut out);
    out
}

impl Quote {
    /// The quote id: `SHA-256("mdnode/v1/quote-id" || encode(quote))`.
    pub fn id(&self) -> QuoteId {
        sha256(&[&tagged_encoding(TAG_QUOTE_ID, self)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_empty_input_is_the_standard_value() {
        assert_eq!(
            sha256(&[]).to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn sha256_parts_concatenate() {
        assert_eq!(sha256(&[b"ab", b"c"]), sha256(&[b"abc"]));
    }
}
