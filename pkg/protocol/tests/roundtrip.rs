//! Property tests of the canonical encoding: round trips, canonical re-encoding, and that decoding
//! arbitrary or mutated bytes returns an error instead of panicking.

mod common;

use common::*;
use mdn_protocol::{
    Certificate, CertificateEntry, Decision, Decode, Encode, MerkleProof, ObservationBatch, Quote,
    Verdict, Vote, VoteBatch, VoteBatchHeader,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// decode(encode(x)) == x, the re-encoding is identical, and a truncated encoding fails.
fn round_trip<T: Encode + Decode + PartialEq + std::fmt::Debug>(
    x: &T,
) -> Result<(), TestCaseError> {
    let bytes = x.encode_to_vec();
    let back = T::decode_from_slice(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&back, x);
    prop_assert_eq!(back.encode_to_vec(), bytes.clone());
    if !bytes.is_empty() {
        prop_assert!(T::decode_from_slice(&bytes[..bytes.len() - 1]).is_err());
    }
    let mut longer = bytes;
    longer.push(0);
    prop_assert!(T::decode_from_slice(&longer).is_err());
    Ok(())
}

proptest! {
    #[test]
    fn decimal_round_trips(x in decimal()) { round_trip(&x)?; }

    #[test]
    fn quote_round_trips(x in quote()) { round_trip(&x)?; }

    #[test]
    fn observation_batch_round_trips(x in observation_batch()) { round_trip(&x)?; }

    #[test]
    fn verdict_round_trips(x in verdict()) { round_trip(&x)?; }

    #[test]
    fn vote_round_trips(x in vote()) { round_trip(&x)?; }

    #[test]
    fn header_round_trips(x in header()) { round_trip(&x)?; }

    #[test]
    fn vote_batch_round_trips(x in vote_batch()) { round_trip(&x)?; }

    #[test]
    fn merkle_proof_round_trips(x in merkle_proof()) { round_trip(&x)?; }

    #[test]
    fn entry_round_trips(x in entry()) { round_trip(&x)?; }

    #[test]
    fn certificate_round_trips(x in certificate()) { round_trip(&x)?; }

    #[test]
    fn decision_round_trips(x in decision()) { round_trip(&x)?; }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = Quote::decode_from_slice(&bytes);
        let _ = ObservationBatch::decode_from_slice(&bytes);
        let _ = Vote::decode_from_slice(&bytes);
        let _ = Verdict::decode_from_slice(&bytes);
        let _ = VoteBatchHeader::decode_from_slice(&bytes);
        let _ = VoteBatch::decode_from_slice(&bytes);
        let _ = MerkleProof::decode_from_slice(&bytes);
        let _ = CertificateEntry::decode_from_slice(&bytes);
        let _ = Certificate::decode_from_slice(&bytes);
        let _ = Decision::decode_from_slice(&bytes);
        let _ = Decimal::decode_from_slice(&bytes);
    }

    #[test]
    fn mutated_encodings_never_panic(
        d in decision(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut bytes = d.encode_to_vec();
        for (i, b) in edits {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        if let Ok(back) = Decision::decode_from_slice(&bytes) {
            // Whatever decodes is canonical: it re-encodes to the same bytes.
            prop_assert_eq!(back.encode_to_vec(), bytes);
        }
    }
}
