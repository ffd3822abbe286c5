//! Shared test fixtures: proptest strategies for every protocol type and deterministic builders.

#![allow(dead_code, unreachable_pub)]

pub mod fixture;

use mdn_protocol::{
    Certificate, CertificateEntry, Decision, Hash32, MerkleProof, ObservationBatch, Outcome,
    PublicKey, Quote, RejectReason, Signature, Symbol, Verdict, Vote, VoteBatch, VoteBatchHeader,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

pub fn hash32() -> impl Strategy<Value = Hash32> {
    any::<[u8; 32]>().prop_map(Hash32)
}

pub fn public_key() -> impl Strategy<Value = PublicKey> {
    any::<[u8; 32]>().prop_map(PublicKey)
}

pub fn signature() -> impl Strategy<Value = Signature> {
    (any::<[u8; 32]>(), any::<[u8; 32]>()).prop_map(|(a, b)| {
        let mut s = [0u8; 64];
        s[..32].copy_from_slice(&a);
        s[32..].copy_from_slice(&b);
        Signature(s)
    })
}

pub fn symbol() -> impl Strategy<Value = Symbol> {
    "[A-Z0-9]{1,16}/[A-Z0-9]{1,16}".prop_map(|s| Symbol::parse(&s).unwrap())
}

pub fn decimal() -> impl Strategy<Value = Decimal> {
    let max = (1i128 << 96) - 1;
    prop_oneof![
        (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        (-max..=max, 0u32..=28).prop_map(|(m, s)| Decimal::from_i128_with_scale(m, s)),
        (0i64..1000, 0u32..4).prop_map(|(m, s)| Decimal::new(m * 100, s)),
    ]
}

/// A short string of up to 16 arbitrary characters (at most 64 bytes).
pub fn text() -> impl Strategy<Value = String> {
    "\\PC{0,16}"
}

pub fn quote() -> impl Strategy<Value = Quote> {
    (
        symbol(),
        text(),
        decimal(),
        proptest::option::of(decimal()),
        proptest::option::of(decimal()),
        proptest::option::of(decimal()),
        any::<i64>(),
        hash32(),
        hash32(),
        public_key(),
    )
        .prop_map(
            |(symbol, source, price, bid, ask, volume, observed_at_ms, sh, eh, proposer)| Quote {
                symbol,
                source,
                price,
                bid,
                ask,
                volume,
                observed_at_ms,
                script_hash: sh,
                evidence_hash: eh,
                proposer,
            },
        )
}

pub fn observation_batch() -> impl Strategy<Value = ObservationBatch> {
    (
        text(),
        public_key(),
        any::<u64>(),
        any::<i64>(),
        proptest::collection::vec(quote(), 0..4),
        signature(),
    )
        .prop_map(
            |(network_id, proposer, seq, created_at_ms, quotes, signature)| ObservationBatch {
                network_id,
                proposer,
                seq,
                created_at_ms,
                quotes,
                signature,
            },
        )
}

pub fn reject_reason() -> impl Strategy<Value = RejectReason> {
    prop_oneof![
        Just(RejectReason::Malformed),
        Just(RejectReason::Stale),
        Just(RejectReason::Future),
        Just(RejectReason::Duplicate),
        Just(RejectReason::OutOfBand),
        Just(RejectReason::UnknownSource),
    ]
}

pub fn verdict() -> impl Strategy<Value = Verdict> {
    prop_oneof![
        Just(Verdict::Accept),
        reject_reason().prop_map(Verdict::Reject),
        Just(Verdict::Abstain),
    ]
}

pub fn vote() -> impl Strategy<Value = Vote> {
    (hash32(), verdict()).prop_map(|(quote_id, verdict)| Vote { quote_id, verdict })
}

pub fn header() -> impl Strategy<Value = VoteBatchHeader> {
    (
        text(),
        public_key(),
        any::<u64>(),
        any::<i64>(),
        any::<u32>(),
        hash32(),
    )
        .prop_map(
            |(network_id, voter, seq, created_at_ms, vote_count, merkle_root)| VoteBatchHeader {
                network_id,
                voter,
                seq,
                created_at_ms,
                vote_count,
                merkle_root,
            },
        )
}

pub fn vote_batch() -> impl Strategy<Value = VoteBatch> {
    (
        header(),
        proptest::collection::vec(vote(), 0..8),
        signature(),
    )
        .prop_map(|(header, votes, signature)| VoteBatch {
            header,
            votes,
            signature,
        })
}

pub fn merkle_proof() -> impl Strategy<Value = MerkleProof> {
    (any::<u32>(), proptest::collection::vec(hash32(), 0..=32))
        .prop_map(|(index, siblings)| MerkleProof { index, siblings })
}

pub fn entry() -> impl Strategy<Value = CertificateEntry> {
    (header(), signature(), merkle_proof()).prop_map(|(header, signature, proof)| {
        CertificateEntry {
            header,
            signature,
            proof,
        }
    })
}

pub fn certificate() -> impl Strategy<Value = Certificate> {
    (hash32(), proptest::collection::vec(entry(), 0..5))
        .prop_map(|(quote_id, entries)| Certificate { quote_id, entries })
}

pub fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        Just(Outcome::Validated),
        Just(Outcome::Rejected),
        Just(Outcome::Expired),
    ]
}

pub fn decision() -> impl Strategy<Value = Decision> {
    (
        quote(),
        outcome(),
        any::<i64>(),
        proptest::option::of(certificate()),
    )
        .prop_map(|(quote, outcome, decided_at_ms, certificate)| Decision {
            quote,
            outcome,
            decided_at_ms,
            certificate,
        })
}
