//! Deterministic sample data for the contract suite, backend tests and benches.

use std::sync::Arc;

use mdn_protocol::merkle::{root, vote_leaf_hash};
use mdn_protocol::{
    BatchVote, Certificate, CertificateEntry, Decision, Hash32, MerkleProof, Outcome, PublicKey,
    Quote, QuoteId, Signature, Symbol, Verdict, Vote, VoteBatch, VoteBatchHeader,
};
use rust_decimal::Decimal;

use crate::decisions::{DecisionCommit, ScoreEffect};

/// Observation time of quote 0 (ms); quote `i` is observed `i` seconds later.
pub const BASE_MS: i64 = 1_700_000_000_000;

/// Symbols used by [`quote`], in rotation.
pub const SYMBOLS: [&str; 3] = ["BTC/USD", "ETH/USD", "SOL/USD"];

/// Sources used by [`quote`], in rotation (coprime with [`SYMBOLS`] so all pairs occur).
pub const SOURCES: [&str; 2] = ["binance", "kraken"];

/// Voters of every fixture certificate and voter effect.
pub const VOTERS: usize = 3;

/// A test public key whose bytes are all `n`.
pub fn key(n: u8) -> PublicKey {
    PublicKey([n; 32])
}

/// Parses a symbol known to be valid.
pub fn symbol(s: &str) -> Symbol {
    Symbol::parse(s).expect("fixture symbol is valid")
}

/// Sample quote number `i`: distinct id per `i` and per `salt`.
pub fn quote_salted(i: u64, salt: u64) -> Quote {
    let i_usize = usize::try_from(i).unwrap_or(0);
    let ms = i64::try_from(i).unwrap_or(0) * 1000;
    Quote {
        symbol: symbol(SYMBOLS[i_usize % SYMBOLS.len()]),
        source: SOURCES[i_usize % SOURCES.len()].to_owned(),
        price: Decimal::new(10_000 + i64::try_from(i % 1000).unwrap_or(0), 2),
        bid: i.is_multiple_of(2).then(|| Decimal::new(9_990, 2)),
        ask: i.is_multiple_of(2).then(|| Decimal::new(10_010, 2)),
        volume: i.is_multiple_of(3).then(|| Decimal::new(123_456_789, 4)),
        observed_at_ms: BASE_MS + ms,
        script_hash: Hash32([7; 32]),
        evidence_hash: Hash32(hash_bytes(i, salt)),
        proposer: key(100 + u8::try_from(i % 4).unwrap_or(0)),
    }
}

/// Sample quote number `i` (salt 0).
pub fn quote(i: u64) -> Quote {
    quote_salted(i, 0)
}

fn hash_bytes(i: u64, salt: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..8].copy_from_slice(&i.to_be_bytes());
    out[8..16].copy_from_slice(&salt.to_be_bytes());
    out
}

/// A certificate of `entries` accept votes for `id` (signatures are not checked by the store).
pub fn certificate(id: QuoteId, entries: usize) -> Certificate {
    let entries = (0..entries)
        .map(|v| {
            let v8 = u8::try_from(v).unwrap_or(u8::MAX);
            CertificateEntry {
                header: VoteBatchHeader {
                    network_id: "testnet".to_owned(),
                    voter: key(1 + v8),
                    seq: 42,
                    created_at_ms: BASE_MS,
                    vote_count: 8,
                    merkle_root: Hash32([v8; 32]),
                },
                signature: Signature([v8; 64]),
                proof: MerkleProof {
                    index: 3,
                    siblings: vec![Hash32([1; 32]), Hash32([2; 32]), Hash32([3; 32])],
                },
            }
        })
        .collect();
    Certificate {
        quote_id: id,
        entries,
    }
}

/// A decision on `quote` with `outcome` (and a 3-entry certificate when validated).
pub fn decision(quote: Quote, outcome: Outcome) -> Decision {
    let certificate = (outcome == Outcome::Validated).then(|| certificate(quote.id(), VOTERS));
    Decision {
        decided_at_ms: quote.observed_at_ms + 500,
        quote,
        outcome,
        certificate,
    }
}

/// The effects a tally would attach: source, proposer and [`VOTERS`] voter effects.
pub fn effects_for(decision: &Decision) -> Vec<ScoreEffect> {
    let quote = &decision.quote;
    let mut effects = vec![
        ScoreEffect::SourceOutcome {
            source: quote.source.clone(),
            symbol: quote.symbol.clone(),
            outcome: decision.outcome,
        },
        ScoreEffect::ProposerOutcome {
            proposer: quote.proposer,
            outcome: decision.outcome,
        },
    ];
    for v in 0..VOTERS {
        effects.push(ScoreEffect::VoterAgreement {
            voter: key(1 + u8::try_from(v).unwrap_or(0)),
            agreed: decision.outcome == Outcome::Validated || v == 0,
        });
    }
    effects
}

/// A commit of decision `outcome` on quote `i`, with [`effects_for`] it.
pub fn commit(i: u64, outcome: Outcome) -> DecisionCommit {
    commit_salted(i, 0, outcome)
}

/// Like [`commit`], with a salt that gives distinct quote ids for the same `i`.
pub fn commit_salted(i: u64, salt: u64, outcome: Outcome) -> DecisionCommit {
    let decision = decision(quote_salted(i, salt), outcome);
    let effects = effects_for(&decision);
    DecisionCommit::new(decision, effects)
}

/// Voters of [`batched_commits`], as in a 4-node devnet.
pub const BATCH_VOTERS: u8 = 4;

/// Validated decisions on quotes `quote_salted(i, salt)` for `i` in `numbers` (quote `i` is observed
/// `i` seconds after [`BASE_MS`], so later numbers are later quotes) as a tally makes them: each of
/// [`BATCH_VOTERS`] voters accepts the quotes in batches of `batch_size` votes (dummy signatures:
/// the store does not check them), and every commit carries its accept votes by reference, one
/// per voter ([`DecisionCommit::certificate`] gives each entry its real Merkle proof).
pub fn batched_commits(
    numbers: std::ops::Range<u64>,
    salt: u64,
    batch_size: usize,
) -> Vec<DecisionCommit> {
    let quotes: Vec<Quote> = numbers.map(|i| quote_salted(i, salt)).collect();
    let ids: Vec<QuoteId> = quotes.iter().map(Quote::id).collect();
    let mut accepts: Vec<Vec<BatchVote>> = vec![Vec::new(); quotes.len()];
    for v in 0..BATCH_VOTERS {
        for (seq, chunk) in ids.chunks(batch_size.max(1)).enumerate() {
            let votes: Vec<Vote> = chunk
                .iter()
                .map(|&quote_id| Vote {
                    quote_id,
                    verdict: Verdict::Accept,
                })
                .collect();
            let leaves: Vec<Hash32> = votes.iter().map(vote_leaf_hash).collect();
            let batch = Arc::new(VoteBatch {
                header: VoteBatchHeader {
                    network_id: "testnet".to_owned(),
                    voter: key(1 + v),
                    seq: salt * 1_000_000 + seq as u64,
                    created_at_ms: BASE_MS,
                    vote_count: u32::try_from(votes.len()).unwrap_or(u32::MAX),
                    merkle_root: root(&leaves),
                },
                votes,
                signature: Signature([v; 64]),
            });
            let first = seq * batch_size.max(1);
            for offset in 0..chunk.len() {
                let vote = BatchVote::new(batch.clone(), offset).expect("a vote of the batch");
                accepts[first + offset].push(vote);
            }
        }
    }
    quotes
        .into_iter()
        .zip(ids)
        .zip(accepts)
        .map(|((quote, quote_id), accepts)| {
            let decision = decision(quote, Outcome::Validated);
            let effects = effects_for(&decision);
            DecisionCommit::counted(quote_id, decision, effects, accepts)
        })
        .collect()
}

/// The outcome fixture batches use for quote `i`: mostly validated, some rejected and expired.
pub fn outcome_for(i: u64) -> Outcome {
    match i % 5 {
        3 => Outcome::Rejected,
        4 => Outcome::Expired,
        _ => Outcome::Validated,
    }
}
