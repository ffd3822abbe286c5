//! The deterministic scenario behind the test vectors: four validators from seeds [1;32]..[4;32],
//! one quote, one observation batch, four vote batches, a 3-of-4 certificate and a decision.

use mdn_protocol::{
    Certificate, Decision, Hash32, ObservationBatch, Outcome, PublicKey, Quorum, Quote,
    RejectReason, SigningKey, Symbol, ValidatorSet, Verdict, Vote, VoteBatch,
    signing_key_from_seed,
};
use rust_decimal::Decimal;

pub const NETWORK_ID: &str = "mdn-testnet";

pub struct Fixture {
    pub seeds: Vec<[u8; 32]>,
    pub keys: Vec<SigningKey>,
    pub set: ValidatorSet,
    pub quote: Quote,
    pub other_quote: Quote,
    pub observation_batch: ObservationBatch,
    /// One batch per validator; the first three accept `quote`, the fourth rejects it.
    pub vote_batches: Vec<VoteBatch>,
    pub certificate: Certificate,
    pub decision: Decision,
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub fn fixture() -> Fixture {
    let seeds: Vec<[u8; 32]> = (1u8..=4).map(|i| [i; 32]).collect();
    let keys: Vec<SigningKey> = seeds.iter().map(|s| signing_key_from_seed(*s)).collect();
    let publics: Vec<PublicKey> = keys.iter().map(PublicKey::from).collect();
    let set = ValidatorSet::new(publics.iter().copied(), Quorum::default()).unwrap();
    let quote = Quote {
        symbol: Symbol::parse("BTC/USD").unwrap(),
        source: "binance".to_owned(),
        price: dec("65123.45"),
        bid: Some(dec("65123.4")),
        ask: Some(dec("65123.5")),
        volume: Some(dec("12345.6789")),
        observed_at_ms: 1_767_225_600_000,
        script_hash: Hash32([0x11; 32]),
        evidence_hash: Hash32([0x22; 32]),
        proposer: publics[0],
    };
    let other_quote = Quote {
        symbol: Symbol::parse("ETH/USD").unwrap(),
        source: "kraken".to_owned(),
        price: dec("3012.5"),
        bid: None,
        ask: None,
        volume: None,
        observed_at_ms: 1_767_225_600_500,
        script_hash: Hash32([0x33; 32]),
        evidence_hash: Hash32([0x44; 32]),
        proposer: publics[0],
    };
    let observation_batch = ObservationBatch::sign(
        NETWORK_ID.to_owned(),
        7,
        1_767_225_601_000,
        vec![quote.clone(), other_quote.clone()],
        &keys[0],
    );
    let id = quote.id();
    let filler = |b: u8| Vote {
        quote_id: Hash32([b; 32]),
        verdict: Verdict::Abstain,
    };
    let accept = Vote {
        quote_id: id,
        verdict: Verdict::Accept,
    };
    // Different batch sizes and positions so the proofs differ in length and shape.
    let vote_lists = [
        vec![accept],
        vec![filler(0xa1), accept, filler(0xa2)],
        vec![
            filler(0xb1),
            filler(0xb2),
            filler(0xb3),
            filler(0xb4),
            accept,
        ],
        vec![
            Vote {
                quote_id: id,
                verdict: Verdict::Reject(RejectReason::OutOfBand),
            },
            filler(0xc1),
        ],
    ];
    let vote_batches: Vec<VoteBatch> = keys
        .iter()
        .zip(vote_lists)
        .zip(1u64..)
        .map(|((k, votes), seq)| {
            VoteBatch::build(NETWORK_ID.to_owned(), seq, 1_767_225_602_000, votes, k).unwrap()
        })
        .collect();
    let certificate = Certificate::build(id, &vote_batches[..3]).unwrap();
    let decision = Decision {
        quote: quote.clone(),
        outcome: Outcome::Validated,
        decided_at_ms: 1_767_225_603_000,
        certificate: Some(certificate.clone()),
    };
    Fixture {
        seeds,
        keys,
        set,
        quote,
        other_quote,
        observation_batch,
        vote_batches,
        certificate,
        decision,
    }
}
