//! Signed messages: signing and verification, tamper detection byte by byte, batch verification
//! with fallback, and the well-formedness and consistency checks.

mod common;

use common::fixture::{NETWORK_ID, fixture};
use mdn_protocol::merkle::{prove_all, verify_proof, vote_leaf_hash};
use mdn_protocol::{
    DecisionError, Decode, Encode, ObservationBatch, Outcome, QuoteError, SignatureError,
    VoteBatch, generate_signing_key, verify_vote_batches,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

#[test]
fn fixture_batches_verify() {
    let f = fixture();
    f.observation_batch.verify().unwrap();
    for b in &f.vote_batches {
        b.verify().unwrap();
    }
    assert!(
        verify_vote_batches(&f.vote_batches)
            .iter()
            .all(Result::is_ok)
    );
}

/// Whether a changed encoding of an observation batch is caught: it fails to decode, its signature
/// fails, or it decodes to quotes with other ids (impossible while the signature holds).
fn observation_change_is_caught(original: &ObservationBatch, bytes: &[u8]) -> bool {
    match ObservationBatch::decode_from_slice(bytes) {
        Err(_) => true,
        Ok(b) => {
            let ids: Vec<_> = b.quotes.iter().map(|q| q.id()).collect();
            let orig: Vec<_> = original.quotes.iter().map(|q| q.id()).collect();
            b.verify().is_err() || (ids != orig && b != *original)
        }
    }
}

#[test]
fn every_single_byte_change_of_an_observation_batch_is_caught() {
    let f = fixture();
    let bytes = f.observation_batch.encode_to_vec();
    for i in 0..bytes.len() {
        for x in [0x01u8, 0x80, 0xff] {
            let mut changed = bytes.clone();
            changed[i] ^= x;
            assert!(
                observation_change_is_caught(&f.observation_batch, &changed),
                "byte {i} ^ {x:#x} not caught"
            );
        }
    }
}

#[test]
fn every_single_byte_change_of_a_vote_batch_is_caught() {
    let f = fixture();
    let batch = &f.vote_batches[2];
    let bytes = batch.encode_to_vec();
    for i in 0..bytes.len() {
        for x in [0x01u8, 0x80, 0xff] {
            let mut changed = bytes.clone();
            changed[i] ^= x;
            let caught =
                VoteBatch::decode_from_slice(&changed).map_or(true, |b| b.verify().is_err());
            assert!(caught, "byte {i} ^ {x:#x} not caught");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_byte_change_of_a_vote_batch_is_caught(i in any::<prop::sample::Index>(), x in 1u8..=255) {
        let f = fixture();
        let batch = &f.vote_batches[1];
        let mut bytes = batch.encode_to_vec();
        let i = i.index(bytes.len());
        bytes[i] ^= x;
        prop_assert!(VoteBatch::decode_from_slice(&bytes).map_or(true, |b| b.verify().is_err()));
        prop_assert!(
            VoteBatch::decode_from_slice(&bytes).map_or(true, |b| b.verify_with_proofs().is_err())
        );
    }
}

#[test]
fn verify_with_proofs_returns_each_votes_path_to_the_signed_root() {
    let f = fixture();
    for b in &f.vote_batches {
        let proofs = b.verify_with_proofs().unwrap();
        let leaves: Vec<_> = b.votes.iter().map(vote_leaf_hash).collect();
        assert_eq!(proofs, prove_all(&leaves));
        for (leaf, proof) in leaves.iter().zip(&proofs) {
            verify_proof(leaf, proof, b.header.vote_count, &b.header.merkle_root).unwrap();
        }
    }
    let mut changed = f.vote_batches[1].clone();
    changed.votes[0].quote_id.0[0] ^= 1;
    assert!(matches!(
        changed.verify_with_proofs(),
        Err(SignatureError::MerkleRootMismatch { .. })
    ));
    let mut forged = f.vote_batches[1].clone();
    forged.signature.0[5] ^= 1;
    assert!(matches!(
        forged.verify_with_proofs(),
        Err(SignatureError::BadSignature { .. })
    ));
}

#[test]
fn build_with_proofs_builds_the_same_batch_and_its_paths() {
    let f = fixture();
    let votes = f.vote_batches[2].votes.clone();
    let plain = VoteBatch::build(NETWORK_ID.into(), 9, 1_000, votes.clone(), &f.keys[0]).unwrap();
    let (batch, proofs) =
        VoteBatch::build_with_proofs(NETWORK_ID.into(), 9, 1_000, votes, &f.keys[0]).unwrap();
    assert_eq!(batch, plain);
    assert_eq!(proofs, batch.verify_with_proofs().unwrap());
}

#[test]
fn batch_verification_finds_the_bad_signature() {
    let f = fixture();
    let mut batches = f.vote_batches.clone();
    batches[1].signature.0[5] ^= 1;
    batches[3].header.vote_count += 1;
    let results = verify_vote_batches(&batches);
    assert!(results[0].is_ok());
    assert!(matches!(
        results[1],
        Err(SignatureError::BadSignature { .. })
    ));
    assert!(results[2].is_ok());
    assert!(matches!(
        results[3],
        Err(SignatureError::VoteCountMismatch {
            header: 3,
            actual: 2
        })
    ));
    assert!(verify_vote_batches(&[]).is_empty());
}

#[test]
fn changed_vote_is_a_root_mismatch() {
    let f = fixture();
    let mut b = f.vote_batches[1].clone();
    b.votes[0].quote_id.0[0] ^= 1;
    assert!(matches!(
        b.verify(),
        Err(SignatureError::MerkleRootMismatch { .. })
    ));
}

#[test]
fn quote_with_foreign_proposer_is_rejected() {
    let f = fixture();
    let mut quotes = f.observation_batch.quotes.clone();
    quotes[1].proposer = f.set.keys()[3];
    let b = ObservationBatch::sign(NETWORK_ID.into(), 1, 1, quotes, &f.keys[0]);
    assert!(matches!(
        b.verify(),
        Err(SignatureError::ProposerMismatch { index: 1, .. })
    ));
}

#[test]
fn generated_keys_differ_and_sign() {
    let a = generate_signing_key().unwrap();
    let b = generate_signing_key().unwrap();
    assert_ne!(a.to_bytes(), b.to_bytes());
    let f = fixture();
    let mut q = f.quote.clone();
    q.proposer = (&a).into();
    ObservationBatch::sign("n".into(), 1, 1, vec![q], &a)
        .verify()
        .unwrap();
}

#[test]
fn well_formed_quote_rules() {
    let f = fixture();
    f.quote.check_well_formed().unwrap();
    f.other_quote.check_well_formed().unwrap();
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    let mut q = f.quote.clone();
    q.source = "Binance".into();
    assert!(matches!(
        q.check_well_formed(),
        Err(QuoteError::BadSource(_))
    ));
    q.source = "a".repeat(65);
    assert!(matches!(
        q.check_well_formed(),
        Err(QuoteError::BadSource(_))
    ));
    q.source = "x_y-9".into();
    q.check_well_formed().unwrap();
    q.price = Decimal::ZERO;
    assert!(matches!(
        q.check_well_formed(),
        Err(QuoteError::NonPositivePrice(_))
    ));
    q.price = d("1");
    q.volume = Some(d("-0.1"));
    assert!(matches!(
        q.check_well_formed(),
        Err(QuoteError::Negative {
            field: "volume",
            ..
        })
    ));
    q.volume = Some(Decimal::ZERO);
    q.bid = Some(d("2"));
    q.ask = Some(d("1.5"));
    assert!(matches!(
        q.check_well_formed(),
        Err(QuoteError::CrossedBook { .. })
    ));
    q.ask = Some(d("2"));
    q.check_well_formed().unwrap();
    q.observed_at_ms = 0;
    assert!(matches!(
        q.check_well_formed(),
        Err(QuoteError::BadTimestamp(0))
    ));
}

#[test]
fn decision_consistency() {
    let f = fixture();
    f.decision.check_consistent().unwrap();
    let mut d = f.decision.clone();
    d.certificate = None;
    assert_eq!(d.check_consistent(), Err(DecisionError::MissingCertificate));
    d.outcome = Outcome::Expired;
    d.check_consistent().unwrap();
    d.certificate = Some(f.certificate.clone());
    assert_eq!(
        d.check_consistent(),
        Err(DecisionError::UnexpectedCertificate(Outcome::Expired))
    );
    d.outcome = Outcome::Validated;
    d.quote = f.other_quote.clone();
    assert!(matches!(
        d.check_consistent(),
        Err(DecisionError::WrongQuote { .. })
    ));
}
