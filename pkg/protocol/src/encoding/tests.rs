//! Unit tests of the primitive encodings and the decoder's checks and limits.

use rust_decimal::Decimal;

use super::*;
use crate::types::{Certificate, Hash32, MerkleProof, ObservationBatch, PublicKey, Signature};

fn decimal_bytes(mantissa: i128, scale: u8) -> Vec<u8> {
    let mut b = mantissa.to_le_bytes().to_vec();
    b.push(scale);
    b
}

#[test]
fn decimal_is_normalized_on_encode() {
    let a: Decimal = "1.500".parse().unwrap();
    let b: Decimal = "1.5".parse().unwrap();
    assert_eq!(a.encode_to_vec(), b.encode_to_vec());
    assert_eq!(b.encode_to_vec(), decimal_bytes(15, 1));
    let zero: Decimal = "-0.000".parse().unwrap();
    assert_eq!(zero.encode_to_vec(), decimal_bytes(0, 0));
}

#[test]
fn non_canonical_decimals_are_rejected() {
    for (m, s) in [(150, 1), (0, 3), (1, 29), (1i128 << 96, 0)] {
        let err = Decimal::decode_from_slice(&decimal_bytes(m, s)).unwrap_err();
        assert!(matches!(err, DecodeError::Invalid { .. }), "{m} {s}: {err}");
    }
    assert_eq!(
        Decimal::decode_from_slice(&decimal_bytes(-12345, 2)).unwrap(),
        "-123.45".parse::<Decimal>().unwrap()
    );
}

#[test]
fn option_tags_other_than_zero_and_one_are_rejected() {
    let err = Option::<Hash32>::decode_from_slice(&[0x02]).unwrap_err();
    assert_eq!(
        err,
        DecodeError::Invalid {
            what: "option tag",
            offset: 0,
            expected: "0x00 or 0x01",
            got: "0x02".into()
        }
    );
}

fn empty_batch() -> ObservationBatch {
    ObservationBatch {
        network_id: "n".into(),
        proposer: PublicKey([1; 32]),
        seq: 1,
        created_at_ms: 2,
        quotes: vec![],
        signature: Signature([3; 64]),
    }
}

#[test]
fn version_and_type_bytes_are_checked() {
    let mut b = empty_batch().encode_to_vec();
    assert_eq!(&b[..2], &[WIRE_VERSION, MSG_OBSERVATION_BATCH]);
    b[0] = 2;
    assert!(matches!(
        ObservationBatch::decode_from_slice(&b),
        Err(DecodeError::Invalid {
            what: "version byte",
            offset: 0,
            ..
        })
    ));
    b[0] = 1;
    b[1] = MSG_VOTE_BATCH;
    assert!(matches!(
        ObservationBatch::decode_from_slice(&b),
        Err(DecodeError::Invalid {
            what: "message-type byte",
            offset: 1,
            ..
        })
    ));
}

#[test]
fn trailing_and_missing_bytes_are_reported_with_offsets() {
    let mut b = empty_batch().encode_to_vec();
    let len = b.len();
    b.push(0);
    assert_eq!(
        ObservationBatch::decode_from_slice(&b),
        Err(DecodeError::TrailingBytes {
            offset: len,
            remaining: 1
        })
    );
    assert!(matches!(
        ObservationBatch::decode_from_slice(&b[..len - 1]),
        Err(DecodeError::UnexpectedEnd {
            what: "64-byte signature",
            needed: 64,
            remaining: 63,
            ..
        })
    ));
}

#[test]
fn huge_counts_are_rejected_before_allocation() {
    // A certificate claiming u32::MAX entries in a tiny input.
    let mut b = vec![WIRE_VERSION, MSG_CERTIFICATE];
    b.extend_from_slice(&[0; 32]);
    b.extend_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(
        Certificate::decode_from_slice(&b),
        Err(DecodeError::TooLong { what: "entry count", offset: 34, got, .. }) if got == u64::from(u32::MAX)
    ));
    // 33 siblings are over the limit even when the bytes are present.
    let proof = MerkleProof {
        index: 0,
        siblings: vec![Hash32::default(); 33],
    };
    assert!(matches!(
        MerkleProof::decode_from_slice(&proof.encode_to_vec()),
        Err(DecodeError::TooLong {
            max: 32,
            got: 33,
            ..
        })
    ));
}

#[test]
fn long_network_id_and_bad_utf8_are_rejected() {
    let mut batch = empty_batch();
    batch.network_id = "x".repeat(MAX_NETWORK_ID_LEN + 1);
    assert!(matches!(
        ObservationBatch::decode_from_slice(&batch.encode_to_vec()),
        Err(DecodeError::TooLong {
            what: "network_id",
            offset: 2,
            max: 64,
            got: 65
        })
    ));
    let mut b = empty_batch().encode_to_vec();
    b[6] = 0xff; // the single byte of network id "n"
    assert!(matches!(
        ObservationBatch::decode_from_slice(&b),
        Err(DecodeError::Invalid {
            what: "network_id",
            expected: "UTF-8 text",
            ..
        })
    ));
}
