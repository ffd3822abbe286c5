//! [`Encode`] / [`Decode`] for every protocol type, in the field order of `docs/protocol.md`.

use rust_decimal::Decimal;

use super::{
    Decode, DecodeError, Encode, MAX_CERTIFICATE_ENTRIES, MAX_MERKLE_SIBLINGS, MAX_NETWORK_ID_LEN,
    MAX_QUOTES_PER_BATCH, MAX_SOURCE_LEN, MAX_STRING_LEN, MAX_VOTES_PER_BATCH, MSG_CERTIFICATE,
    MSG_DECISION, MSG_OBSERVATION_BATCH, MSG_VOTE_BATCH, Reader, put,
};
use crate::types::{
    Certificate, CertificateEntry, Decision, Hash32, MerkleProof, ObservationBatch, Outcome,
    PublicKey, Quote, RejectReason, Signature, Symbol, Verdict, Vote, VoteBatch, VoteBatchHeader,
};

/// Lower bounds of encoded sizes, used to reject counts that cannot fit in the remaining input.
const MIN_QUOTE_SIZE: usize = 128;
const MIN_VOTE_SIZE: usize = 33;
const MIN_ENTRY_SIZE: usize = 160;

/// Largest decimal mantissa magnitude (96 bits).
const MAX_MANTISSA: i128 = (1i128 << 96) - 1;

impl Encode for Hash32 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0);
    }
}

impl Decode for Hash32 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self(r.array("32-byte hash")?))
    }
}

impl Encode for PublicKey {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0);
    }
}

impl Decode for PublicKey {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self(r.array("32-byte public key")?))
    }
}

impl Encode for Signature {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0);
    }
}

impl Decode for Signature {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self(r.array("64-byte signature")?))
    }
}

impl Encode for Symbol {
    fn encode(&self, out: &mut Vec<u8>) {
        put::bytes(out, self.as_str().as_bytes());
    }
}

impl Decode for Symbol {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        let s = r.string(MAX_STRING_LEN, "symbol")?;
        Symbol::parse(&s).map_err(|_| {
            r.invalid(
                "symbol",
                offset,
                "BASE/QUOTE, 1-16 upper-case letters or digits each",
                format!("{s:?}"),
            )
        })
    }
}

impl Encode for Decimal {
    fn encode(&self, out: &mut Vec<u8>) {
        let d = self.normalize();
        out.extend_from_slice(&d.mantissa().to_le_bytes());
        // The scale of a Decimal is at most 28, so it always fits in a byte.
        out.push(u8::try_from(d.scale()).unwrap_or(u8::MAX));
    }
}

impl Decode for Decimal {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        let mantissa = r.i128("decimal mantissa")?;
        let scale = r.u8("decimal scale")?;
        if !(-MAX_MANTISSA..=MAX_MANTISSA).contains(&mantissa) {
            return Err(r.invalid(
                "decimal mantissa",
                offset,
                "a magnitude below 2^96",
                mantissa,
            ));
        }
        if scale > 28 {
            return Err(r.invalid("decimal scale", offset + 16, "0..=28", scale));
        }
        if scale > 0 && mantissa % 10 == 0 {
            return Err(r.invalid(
                "decimal",
                offset,
                "normalized form (no trailing zero when scale > 0, zero with scale 0)",
                format!("mantissa {mantissa} with scale {scale}"),
            ));
        }
        Decimal::try_from_i128_with_scale(mantissa, u32::from(scale))
            .map_err(|e| r.invalid("decimal", offset, "a representable decimal", e))
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0x00),
            Some(v) => {
                out.push(0x01);
                v.encode(out);
            }
        }
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        match r.u8("option tag")? {
            0x00 => Ok(None),
            0x01 => Ok(Some(T::decode(r)?)),
            tag => Err(r.invalid("option tag", offset, "0x00 or 0x01", format!("0x{tag:02x}"))),
        }
    }
}

/// Encodes a sequence: u32 count + items.
fn encode_seq<T: Encode>(items: &[T], out: &mut Vec<u8>) {
    put::len(out, items.len());
    for item in items {
        item.encode(out);
    }
}

/// Decodes a sequence of at most `max` items, each at least `min_size` bytes.
fn decode_seq<T: Decode>(
    r: &mut Reader<'_>,
    max: usize,
    min_size: usize,
    what: &'static str,
) -> Result<Vec<T>, DecodeError> {
    let n = r.count(max, min_size, what)?;
    let mut items = Vec::with_capacity(n);
    for _ in 0..n {
        items.push(T::decode(r)?);
    }
    Ok(items)
}

impl Encode for Quote {
    fn encode(&self, out: &mut Vec<u8>) {
        self.symbol.encode(out);
        put::bytes(out, self.source.as_bytes());
        self.price.encode(out);
        self.bid.encode(out);
        self.ask.encode(out);
        self.volume.encode(out);
        put::i64(out, self.observed_at_ms);
        self.script_hash.encode(out);
        self.evidence_hash.encode(out);
        self.proposer.encode(out);
    }
}

impl Decode for Quote {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            symbol: Symbol::decode(r)?,
            source: r.string(MAX_SOURCE_LEN, "source")?,
            price: Decimal::decode(r)?,
            bid: Option::decode(r)?,
            ask: Option::decode(r)?,
            volume: Option::decode(r)?,
            observed_at_ms: r.i64("observed_at_ms")?,
            script_hash: Hash32::decode(r)?,
            evidence_hash: Hash32::decode(r)?,
            proposer: PublicKey::decode(r)?,
        })
    }
}

impl ObservationBatch {
    /// The encoding of everything but the signature: the bytes the proposer signs (after the tag).
    pub fn encode_unsigned(&self, out: &mut Vec<u8>) {
        put::header(out, MSG_OBSERVATION_BATCH);
        put::bytes(out, self.network_id.as_bytes());
        self.proposer.encode(out);
        put::u64(out, self.seq);
        put::i64(out, self.created_at_ms);
        encode_seq(&self.quotes, out);
    }
}

impl Encode for ObservationBatch {
    fn encode(&self, out: &mut Vec<u8>) {
        self.encode_unsigned(out);
        self.signature.encode(out);
    }
}

impl Decode for ObservationBatch {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.message_header(MSG_OBSERVATION_BATCH, "0x01 (observation batch)")?;
        Ok(Self {
            network_id: r.string(MAX_NETWORK_ID_LEN, "network_id")?,
            proposer: PublicKey::decode(r)?,
            seq: r.u64("seq")?,
            created_at_ms: r.i64("created_at_ms")?,
            quotes: decode_seq(r, MAX_QUOTES_PER_BATCH, MIN_QUOTE_SIZE, "quote count")?,
            signature: Signature::decode(r)?,
        })
    }
}

impl Encode for RejectReason {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(*self as u8);
    }
}

impl Decode for RejectReason {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        Ok(match r.u8("reject reason")? {
            1 => Self::Malformed,
            2 => Self::Stale,
            3 => Self::Future,
            4 => Self::Duplicate,
            5 => Self::OutOfBand,
            6 => Self::UnknownSource,
            b => return Err(r.invalid("reject reason", offset, "1..=6", b)),
        })
    }
}

impl Encode for Verdict {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Self::Accept => out.push(0x01),
            Self::Reject(reason) => {
                out.push(0x02);
                reason.encode(out);
            }
            Self::Abstain => out.push(0x03),
        }
    }
}

impl Decode for Verdict {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        Ok(match r.u8("verdict tag")? {
            0x01 => Self::Accept,
            0x02 => Self::Reject(RejectReason::decode(r)?),
            0x03 => Self::Abstain,
            b => return Err(r.invalid("verdict tag", offset, "0x01, 0x02 or 0x03", b)),
        })
    }
}

impl Encode for Vote {
    fn encode(&self, out: &mut Vec<u8>) {
        self.quote_id.encode(out);
        self.verdict.encode(out);
    }
}

impl Decode for Vote {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            quote_id: Hash32::decode(r)?,
            verdict: Verdict::decode(r)?,
        })
    }
}

impl Encode for VoteBatchHeader {
    fn encode(&self, out: &mut Vec<u8>) {
        put::bytes(out, self.network_id.as_bytes());
        self.voter.encode(out);
        put::u64(out, self.seq);
        put::i64(out, self.created_at_ms);
        put::u32(out, self.vote_count);
        self.merkle_root.encode(out);
    }
}

impl Decode for VoteBatchHeader {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            network_id: r.string(MAX_NETWORK_ID_LEN, "network_id")?,
            voter: PublicKey::decode(r)?,
            seq: r.u64("seq")?,
            created_at_ms: r.i64("created_at_ms")?,
            vote_count: r.u32("vote_count")?,
            merkle_root: Hash32::decode(r)?,
        })
    }
}

impl Encode for VoteBatch {
    fn encode(&self, out: &mut Vec<u8>) {
        put::header(out, MSG_VOTE_BATCH);
        self.header.encode(out);
        encode_seq(&self.votes, out);
        self.signature.encode(out);
    }
}

impl Decode for VoteBatch {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.message_header(MSG_VOTE_BATCH, "0x02 (vote batch)")?;
        Ok(Self {
            header: VoteBatchHeader::decode(r)?,
            votes: decode_seq(r, MAX_VOTES_PER_BATCH, MIN_VOTE_SIZE, "vote count")?,
            signature: Signature::decode(r)?,
        })
    }
}

impl Encode for MerkleProof {
    fn encode(&self, out: &mut Vec<u8>) {
        put::u32(out, self.index);
        encode_seq(&self.siblings, out);
    }
}

impl Decode for MerkleProof {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            index: r.u32("proof index")?,
            siblings: decode_seq(r, MAX_MERKLE_SIBLINGS, 32, "sibling count")?,
        })
    }
}

impl Encode for CertificateEntry {
    fn encode(&self, out: &mut Vec<u8>) {
        self.header.encode(out);
        self.signature.encode(out);
        self.proof.encode(out);
    }
}

impl Decode for CertificateEntry {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            header: VoteBatchHeader::decode(r)?,
            signature: Signature::decode(r)?,
            proof: MerkleProof::decode(r)?,
        })
    }
}

impl Encode for Certificate {
    fn encode(&self, out: &mut Vec<u8>) {
        put::header(out, MSG_CERTIFICATE);
        self.quote_id.encode(out);
        encode_seq(&self.entries, out);
    }
}

impl Decode for Certificate {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.message_header(MSG_CERTIFICATE, "0x03 (certificate)")?;
        Ok(Self {
            quote_id: Hash32::decode(r)?,
            entries: decode_seq(r, MAX_CERTIFICATE_ENTRIES, MIN_ENTRY_SIZE, "entry count")?,
        })
    }
}

impl Encode for Outcome {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(*self as u8);
    }
}

impl Decode for Outcome {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        Ok(match r.u8("outcome")? {
            1 => Self::Validated,
            2 => Self::Rejected,
            3 => Self::Expired,
            b => return Err(r.invalid("outcome", offset, "1..=3", b)),
        })
    }
}

impl Encode for Decision {
    fn encode(&self, out: &mut Vec<u8>) {
        put::header(out, MSG_DECISION);
        self.quote.encode(out);
        self.outcome.encode(out);
        put::i64(out, self.decided_at_ms);
        self.certificate.encode(out);
    }
}

impl Decode for Decision {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.message_header(MSG_DECISION, "0x04 (decision)")?;
        Ok(Self {
            quote: Quote::decode(r)?,
            outcome: Outcome::decode(r)?,
            decided_at_ms: r.i64("decided_at_ms")?,
            certificate: Option::decode(r)?,
        })
    }
}
