//! Certificates: a 3-of-4 certificate verifies; each kind of damage is rejected with its own error.

mod common;

use common::fixture::{NETWORK_ID, fixture};
use mdn_protocol::{
    BuildCertificateError, Certificate, CertificateError, Decode, Encode, Hash32, PublicKey,
    Quorum, ValidatorSet, signing_key_from_seed,
};

#[test]
fn three_of_four_certificate_verifies_and_round_trips() {
    let f = fixture();
    assert_eq!(f.set.threshold(), 3);
    f.certificate.verify(&f.quote, &f.set, NETWORK_ID).unwrap();
    let back = Certificate::decode_from_slice(&f.certificate.encode_to_vec()).unwrap();
    assert_eq!(back, f.certificate);
    assert!(
        f.certificate
            .entries
            .windows(2)
            .all(|w| w[0].header.voter < w[1].header.voter)
    );
}

#[test]
fn wrong_quote_network_or_set_is_rejected() {
    let f = fixture();
    assert!(matches!(
        f.certificate.verify(&f.other_quote, &f.set, NETWORK_ID),
        Err(CertificateError::QuoteIdMismatch { .. })
    ));
    assert!(matches!(
        f.certificate.verify(&f.quote, &f.set, "other-net"),
        Err(CertificateError::NetworkMismatch { index: 0, .. })
    ));
    let outsider = PublicKey::from(&signing_key_from_seed([9; 32]));
    let set = ValidatorSet::new(
        f.set.keys()[1..].iter().copied().chain([outsider]),
        Quorum::default(),
    )
    .unwrap();
    assert!(matches!(
        f.certificate.verify(&f.quote, &set, NETWORK_ID),
        Err(CertificateError::UnknownVoter { .. })
    ));
}

#[test]
fn too_few_entries_are_below_threshold() {
    let f = fixture();
    let mut c = f.certificate.clone();
    c.entries.pop();
    assert_eq!(
        c.verify(&f.quote, &f.set, NETWORK_ID),
        Err(CertificateError::BelowThreshold {
            got: 2,
            threshold: 3,
            set_size: 4
        })
    );
}

#[test]
fn duplicate_or_unsorted_voters_are_rejected() {
    let f = fixture();
    let mut c = f.certificate.clone();
    c.entries[1] = c.entries[0].clone();
    assert!(matches!(
        c.verify(&f.quote, &f.set, NETWORK_ID),
        Err(CertificateError::VotersNotAscending { index: 1, .. })
    ));
    let mut c = f.certificate.clone();
    c.entries.swap(0, 2);
    assert!(matches!(
        c.verify(&f.quote, &f.set, NETWORK_ID),
        Err(CertificateError::VotersNotAscending { .. })
    ));
}

#[test]
fn broken_proofs_and_signatures_are_named() {
    let f = fixture();
    for i in 0..3 {
        let mut c = f.certificate.clone();
        c.entries[i].proof.siblings.push(Hash32([0; 32]));
        assert!(
            matches!(c.verify(&f.quote, &f.set, NETWORK_ID), Err(CertificateError::BadProof { index, .. }) if index == i)
        );
        let mut c = f.certificate.clone();
        c.entries[i].signature.0[40] ^= 4;
        assert!(
            matches!(c.verify(&f.quote, &f.set, NETWORK_ID), Err(CertificateError::BadSignature { index, .. }) if index == i)
        );
        let mut c = f.certificate.clone();
        c.entries[i].header.seq += 1;
        assert!(
            matches!(c.verify(&f.quote, &f.set, NETWORK_ID), Err(CertificateError::BadSignature { index, .. }) if index == i)
        );
    }
}

#[test]
fn a_reject_vote_cannot_be_used_in_a_certificate() {
    let f = fixture();
    let id = f.quote.id();
    assert!(matches!(
        Certificate::build(id, &f.vote_batches),
        Err(BuildCertificateError::NoAcceptVote { .. })
    ));
    let twice = [f.vote_batches[0].clone(), f.vote_batches[0].clone()];
    assert!(matches!(
        Certificate::build(id, &twice),
        Err(BuildCertificateError::DuplicateVoter { .. })
    ));
    // Pointing the 4th voter's reject-leaf proof at the header fails the accept-leaf check.
    let mut c = f.certificate.clone();
    let b = &f.vote_batches[3];
    c.entries[0] = mdn_protocol::CertificateEntry {
        header: b.header.clone(),
        signature: b.signature,
        proof: mdn_protocol::merkle::prove(
            &b.votes
                .iter()
                .map(mdn_protocol::merkle::vote_leaf_hash)
                .collect::<Vec<_>>(),
            0,
        )
        .unwrap(),
    };
    c.entries.sort_by_key(|e| e.header.voter);
    assert!(matches!(
        c.verify(&f.quote, &f.set, NETWORK_ID),
        Err(CertificateError::BadProof { .. })
    ));
}

#[test]
fn unanimous_quorum_needs_all_four() {
    let f = fixture();
    let set = ValidatorSet::new(
        f.set.keys().iter().copied(),
        Quorum {
            numerator: 1,
            denominator: 1,
        },
    )
    .unwrap();
    assert!(matches!(
        f.certificate.verify(&f.quote, &set, NETWORK_ID),
        Err(CertificateError::BelowThreshold { threshold: 4, .. })
    ));
}
