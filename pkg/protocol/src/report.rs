//! Signed reputation reports: every epoch a validator gossips its own view of peers' reputation and
//! sources' scores. Scores travel as basis points (0..=10000) so the encoding stays exact and
//! canonical; entries are strictly sorted, so every report has exactly one encoding.

use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};

use crate::encoding::{
    Decode, DecodeError, Encode, MAX_NETWORK_ID_LEN, MAX_SOURCE_LEN, MSG_REPUTATION_REPORT, Reader,
    put,
};
use crate::hash::TAG_REPUTATION_REPORT;
use crate::sign::{SignatureError, verify_one};
use crate::types::{PublicKey, Signature, Symbol};

/// Most peer entries in one report.
pub const MAX_REPORT_PEERS: usize = 1024;
/// Most source entries in one report.
pub const MAX_REPORT_SOURCES: usize = 8192;
/// The score scale: 10,000 basis points = 1.0.
pub const SCORE_SCALE: u16 = 10_000;

/// A validator's signed view of reputation at one epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReputationReport {
    /// Network id.
    pub network_id: String,
    /// The reporting validator.
    pub reporter: PublicKey,
    /// Reporter's epoch number, strictly increasing per reporter.
    pub epoch: u64,
    /// When the report was made, ms since the Unix epoch.
    pub created_at_ms: i64,
    /// Peer reputations, strictly ascending by key.
    pub peers: Vec<PeerScore>,
    /// Source scores, strictly ascending by `(source, symbol)` with `None` first.
    pub sources: Vec<SourceScoreEntry>,
    /// Reporter's signature (see `docs/protocol.md`).
    pub signature: Signature,
}

/// One peer's reputation in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerScore {
    /// The peer's key.
    pub peer: PublicKey,
    /// Reputation in basis points (0..=10000).
    pub score_bp: u16,
}

/// One source's score in a report: of the whole source (`symbol: None`) or of one symbol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceScoreEntry {
    /// Source name.
    pub source: String,
    /// The symbol, or `None` for the source as a whole.
    pub symbol: Option<Symbol>,
    /// Score in basis points (0..=10000).
    pub score_bp: u16,
    /// Whether the reporter runs this source in shadow mode (its quotes never enter the price).
    pub shadow: bool,
}

/// A score in `[0, 1]` as basis points (clamped; NaN is 0).
pub fn to_bp(score: f64) -> u16 {
    if score.is_nan() {
        return 0;
    }
    // In range after the clamp, so the cast is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let bp = (score.clamp(0.0, 1.0) * f64::from(SCORE_SCALE)).round() as u16;
    bp
}

/// Basis points as a score in `[0, 1]`.
pub fn from_bp(bp: u16) -> f64 {
    f64::from(bp.min(SCORE_SCALE)) / f64::from(SCORE_SCALE)
}

impl ReputationReport {
    /// Builds and signs a report; entries are sorted and deduplicated (last value wins).
    pub fn sign(
        network_id: String,
        epoch: u64,
        created_at_ms: i64,
        mut peers: Vec<PeerScore>,
        mut sources: Vec<SourceScoreEntry>,
        key: &SigningKey,
    ) -> Self {
        peers.reverse();
        peers.sort_by_key(|p| p.peer);
        peers.dedup_by_key(|p| p.peer);
        sources.reverse();
        sources.sort_by(|a, b| source_order(a).cmp(&source_order(b)));
        sources.dedup_by(|a, b| source_order(a) == source_order(b));
        let mut report = Self {
            network_id,
            reporter: PublicKey::from(key),
            epoch,
            created_at_ms,
            peers,
            sources,
            signature: Signature([0; 64]),
        };
        report.signature = key.sign(&report.signing_bytes()).into();
        report
    }

    /// The signed message: `"mdnode/v1/reputation-report" || encode(report without signature)`.
    pub fn signing_bytes(&self) -> Vec<u8> {
        let mut out = TAG_REPUTATION_REPORT.to_vec();
        self.encode_unsigned(&mut out);
        out
    }

    /// Checks the reporter's signature.
    pub fn verify(&self) -> Result<(), SignatureError> {
        verify_one(&self.signing_bytes(), &self.reporter, &self.signature)
    }

    /// The encoding of everything but the signature.
    pub fn encode_unsigned(&self, out: &mut Vec<u8>) {
        put::header(out, MSG_REPUTATION_REPORT);
        put::bytes(out, self.network_id.as_bytes());
        self.reporter.encode(out);
        put::u64(out, self.epoch);
        put::i64(out, self.created_at_ms);
        put::len(out, self.peers.len());
        for p in &self.peers {
            p.peer.encode(out);
            put::u16(out, p.score_bp);
        }
        put::len(out, self.sources.len());
        for s in &self.sources {
            put::bytes(out, s.source.as_bytes());
            s.symbol.encode(out);
            put::u16(out, s.score_bp);
            out.push(u8::from(s.shadow));
        }
    }
}

fn source_order(s: &SourceScoreEntry) -> (&str, Option<&str>) {
    (s.source.as_str(), s.symbol.as_ref().map(Symbol::as_str))
}

impl Encode for ReputationReport {
    fn encode(&self, out: &mut Vec<u8>) {
        self.encode_unsigned(out);
        self.signature.encode(out);
    }
}

fn score(r: &mut Reader<'_>) -> Result<u16, DecodeError> {
    let offset = r.offset();
    let bp = r.u16("score")?;
    if bp > SCORE_SCALE {
        return Err(r.invalid("score", offset, "at most 10000 basis points", bp));
    }
    Ok(bp)
}

impl Decode for ReputationReport {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.message_header(MSG_REPUTATION_REPORT, "0x06 (reputation report)")?;
        let network_id = r.string(MAX_NETWORK_ID_LEN, "network_id")?;
        let reporter = PublicKey::decode(r)?;
        let epoch = r.u64("epoch")?;
        let created_at_ms = r.i64("created_at_ms")?;
        let n = r.count(MAX_REPORT_PEERS, 34, "peer count")?;
        let mut peers: Vec<PeerScore> = Vec::with_capacity(n);
        for _ in 0..n {
            let offset = r.offset();
            let peer = PublicKey::decode(r)?;
            if peers.last().is_some_and(|last| last.peer >= peer) {
                return Err(r.invalid("peer", offset, "keys in strictly ascending order", peer));
            }
            peers.push(PeerScore {
                peer,
                score_bp: score(r)?,
            });
        }
        let n = r.count(MAX_REPORT_SOURCES, 8, "source count")?;
        let mut sources: Vec<SourceScoreEntry> = Vec::with_capacity(n);
        for _ in 0..n {
            let offset = r.offset();
            let source = r.string(MAX_SOURCE_LEN, "source")?;
            let symbol = Option::<Symbol>::decode(r)?;
            let score_bp = score(r)?;
            let flag_offset = r.offset();
            let shadow = match r.u8("shadow flag")? {
                0 => false,
                1 => true,
                other => return Err(r.invalid("shadow flag", flag_offset, "0x00 or 0x01", other)),
            };
            let entry = SourceScoreEntry {
                source,
                symbol,
                score_bp,
                shadow,
            };
            if sources
                .last()
                .is_some_and(|last| source_order(last) >= source_order(&entry))
            {
                return Err(r.invalid(
                    "source entry",
                    offset,
                    "(source, symbol) in strictly ascending order",
                    format!("{} {:?}", entry.source, entry.symbol),
                ));
            }
            sources.push(entry);
        }
        Ok(Self {
            network_id,
            reporter,
            epoch,
            created_at_ms,
            peers,
            sources,
            signature: Signature::decode(r)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing_key_from_seed;

    fn report(key: &SigningKey) -> ReputationReport {
        let peer = PublicKey::from(&signing_key_from_seed([2; 32]));
        ReputationReport::sign(
            "net".into(),
            7,
            1_000,
            vec![PeerScore {
                peer,
                score_bp: 9_000,
            }],
            vec![
                SourceScoreEntry {
                    source: "kraken".into(),
                    symbol: Some(Symbol::parse("BTC/USD").unwrap()),
                    score_bp: 1_000,
                    shadow: false,
                },
                SourceScoreEntry {
                    source: "kraken".into(),
                    symbol: None,
                    score_bp: 8_000,
                    shadow: true,
                },
            ],
            key,
        )
    }

    #[test]
    fn round_trips_and_verifies() {
        let key = signing_key_from_seed([1; 32]);
        let r = report(&key);
        assert!(r.sources[0].symbol.is_none(), "None sorts first");
        let bytes = r.encode_to_vec();
        let back = ReputationReport::decode_from_slice(&bytes).unwrap();
        assert_eq!(back, r);
        back.verify().unwrap();
    }

    #[test]
    fn changed_score_breaks_signature() {
        let key = signing_key_from_seed([1; 32]);
        let mut r = report(&key);
        r.peers[0].score_bp = 10_000;
        assert!(r.verify().is_err());
    }

    #[test]
    fn unsorted_or_out_of_range_entries_do_not_decode() {
        let key = signing_key_from_seed([1; 32]);
        let mut r = report(&key);
        r.sources.swap(0, 1);
        let err = ReputationReport::decode_from_slice(&r.encode_to_vec()).unwrap_err();
        assert!(err.to_string().contains("ascending"), "{err}");
        let mut r = report(&key);
        r.peers[0].score_bp = 10_001;
        let err = ReputationReport::decode_from_slice(&r.encode_to_vec()).unwrap_err();
        assert!(err.to_string().contains("10000"), "{err}");
    }

    #[test]
    fn basis_points_clamp() {
        assert_eq!(to_bp(1.5), 10_000);
        assert_eq!(to_bp(-1.0), 0);
        assert_eq!(to_bp(f64::NAN), 0);
        assert_eq!(to_bp(0.12345), 1_235);
        assert!((from_bp(to_bp(0.42)) - 0.42).abs() < 1e-9);
    }
}
