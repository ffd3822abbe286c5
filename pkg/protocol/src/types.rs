//! Protocol message types. Everything signed or hashed is defined here; the byte layout lives in
//! `encoding` and is specified in `docs/protocol.md`.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A SHA-256 digest (quote ids, script hashes, evidence hashes, Merkle nodes).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hash32(pub [u8; 32]);

/// The id of a quote: SHA-256 over its domain-separated canonical encoding.
pub type QuoteId = Hash32;

impl Hash32 {
    /// Lower-case hex form.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex characters.
    pub fn from_hex(s: &str) -> Result<Self, hex::FromHexError> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out)?;
        Ok(Self(out))
    }
}

impl fmt::Display for Hash32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash32({})", self.to_hex())
    }
}

impl Serialize for Hash32 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Hash32 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

/// An ed25519 public key (32 bytes, compressed Edwards point) identifying a node or an author.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublicKey(pub [u8; 32]);

impl PublicKey {
    /// Lower-case hex form.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex characters (the key is not checked to be a valid point here).
    pub fn from_hex(s: &str) -> Result<Self, hex::FromHexError> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out)?;
        Ok(Self(out))
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

impl Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

/// An ed25519 signature (64 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature(pub [u8; 64]);

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", hex::encode(self.0))
    }
}

impl Serialize for Signature {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(self.0))
    }
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let mut out = [0u8; 64];
        hex::decode_to_slice(&s, &mut out).map_err(serde::de::Error::custom)?;
        Ok(Self(out))
    }
}

/// A trading pair `BASE/QUOTE`, e.g. `BTC/USD`: 1..=16 upper-case ASCII letters or digits on each
/// side. Construct with [`Symbol::parse`]; the inner string is always valid.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Symbol(String);

/// Why a string is not a [`Symbol`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid symbol {0:?}: expected BASE/QUOTE with 1-16 upper-case letters or digits each")]
pub struct InvalidSymbol(pub String);

impl Symbol {
    /// Validates and wraps `s`.
    pub fn parse(s: &str) -> Result<Self, InvalidSymbol> {
        let ok_part = |p: &str| {
            (1..=16).contains(&p.len())
                && p.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        };
        match s.split_once('/') {
            Some((base, quote)) if ok_part(base) && ok_part(quote) => Ok(Self(s.to_owned())),
            _ => Err(InvalidSymbol(s.to_owned())),
        }
    }

    /// The `BASE/QUOTE` text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Symbol {
    type Error = InvalidSymbol;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Symbol> for String {
    fn from(s: Symbol) -> Self {
        s.0
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Symbol({})", self.0)
    }
}

/// One observation of a market, as proposed by one node from one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The pair, e.g. `BTC/USD`.
    pub symbol: Symbol,
    /// The source (venue script configuration) name, `[a-z0-9_-]{1,64}`, e.g. `binance`.
    pub source: String,
    /// Last traded (or mid) price, exact decimal, positive.
    pub price: Decimal,
    /// Best bid, if the source reports one.
    pub bid: Option<Decimal>,
    /// Best ask, if the source reports one.
    pub ask: Option<Decimal>,
    /// Traded volume (24 h, base units), if the source reports it.
    pub volume: Option<Decimal>,
    /// When the source observed the price: milliseconds since the Unix epoch, UTC.
    pub observed_at_ms: i64,
    /// SHA-256 of the exact text of the script that produced the quote.
    pub script_hash: Hash32,
    /// SHA-256 of the raw HTTP response body the quote was parsed from.
    pub evidence_hash: Hash32,
    /// The proposing node's public key.
    pub proposer: PublicKey,
}

/// A proposer's signed batch of quotes, gossiped on the observations topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservationBatch {
    /// Network id: keeps messages of one network from being replayed on another.
    pub network_id: String,
    /// The proposer; every quote's `proposer` must equal it.
    pub proposer: PublicKey,
    /// Proposer's batch sequence number, strictly increasing per proposer.
    pub seq: u64,
    /// When the batch was made, ms since the Unix epoch.
    pub created_at_ms: i64,
    /// The quotes (at least one).
    pub quotes: Vec<Quote>,
    /// Proposer's signature over the batch (see `docs/protocol.md`).
    pub signature: Signature,
}

/// Why a voter rejects a quote. Encoded as one byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// The quote does not satisfy the protocol's rules (symbol, price, bid/ask).
    Malformed = 1,
    /// Observed too long ago.
    Stale = 2,
    /// Observed in the future beyond the allowed clock skew.
    Future = 3,
    /// Same source, symbol and time already proposed with different content.
    Duplicate = 4,
    /// Price outside the allowed band around the voter's own observations.
    OutOfBand = 5,
    /// The source is unknown to the voter or quarantined.
    UnknownSource = 6,
}

/// A voter's verdict on one quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "reason", rename_all = "snake_case")]
pub enum Verdict {
    /// The quote agrees with the voter's observations.
    Accept,
    /// The quote is wrong, for the given reason.
    Reject(RejectReason),
    /// The voter has nothing to compare with.
    Abstain,
}

/// One vote: a verdict on one quote id. A leaf of its batch's Merkle tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Vote {
    /// The quote voted on.
    pub quote_id: QuoteId,
    /// The verdict.
    pub verdict: Verdict,
}

/// The signed part of a vote batch: the Merkle root stands for all its votes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VoteBatchHeader {
    /// Network id.
    pub network_id: String,
    /// The voting validator.
    pub voter: PublicKey,
    /// Voter's batch sequence number, strictly increasing per voter.
    pub seq: u64,
    /// When the batch was made, ms since the Unix epoch.
    pub created_at_ms: i64,
    /// Number of votes (leaves) in the batch.
    pub vote_count: u32,
    /// Merkle root over the votes' leaf hashes.
    pub merkle_root: Hash32,
}

/// A voter's signed batch of votes, gossiped on the votes topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteBatch {
    /// The signed header; `vote_count` and `merkle_root` must match `votes`.
    pub header: VoteBatchHeader,
    /// The votes, in leaf order.
    pub votes: Vec<Vote>,
    /// Voter's signature over the header.
    pub signature: Signature,
}

/// An inclusion proof of one leaf in a Merkle tree of `leaf_count` leaves.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MerkleProof {
    /// Position of the leaf, `0..leaf_count`.
    pub index: u32,
    /// Sibling hashes from the leaf up to the root.
    pub siblings: Vec<Hash32>,
}

/// One validator's accept vote for a quote, provable on its own: the signed batch header plus the
/// Merkle path from the vote `(quote_id, Accept)` to the header's root.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CertificateEntry {
    /// The signed header of the batch that carried the vote.
    pub header: VoteBatchHeader,
    /// The voter's signature over `header`.
    pub signature: Signature,
    /// Path from the vote's leaf to `header.merkle_root`.
    pub proof: MerkleProof,
}

/// Proof that a quorum of the validator set accepted a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// The quote certified.
    pub quote_id: QuoteId,
    /// Accept votes of distinct validators, sorted by voter key.
    pub entries: Vec<CertificateEntry>,
}

/// How a quote's vote ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// More than the quorum fraction of the validator set accepted it.
    Validated = 1,
    /// Acceptance can no longer reach the quorum.
    Rejected = 2,
    /// Neither happened before the deadline.
    Expired = 3,
}

/// The end of one quote's life: the quote, how it ended, and for validated quotes the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The quote decided on.
    pub quote: Quote,
    /// The outcome.
    pub outcome: Outcome,
    /// When this node decided, ms since the Unix epoch (local, not signed).
    pub decided_at_ms: i64,
    /// Present exactly when `outcome` is `Validated`.
    pub certificate: Option<Certificate>,
}
