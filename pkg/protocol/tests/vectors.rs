//! Regenerates the test vectors (`tests/vectors/v1.json` at the repository root) from fixed seeds
//! and compares them with the committed file. `MDN_BLESS=1` rewrites the file instead.

mod common;

use std::path::PathBuf;

use common::fixture::{NETWORK_ID, fixture};
use mdn_protocol::hash::{TAG_OBSERVATION_BATCH, TAG_QUOTE_ID, TAG_VOTE_BATCH, TAG_VOTE_LEAF};
use mdn_protocol::merkle::vote_leaf_hash;
use mdn_protocol::{Certificate, Decision, Decode, Encode, ObservationBatch, PublicKey, VoteBatch};
use serde_json::{Value, json};

fn vectors_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/v1.json")
}

fn generate() -> Value {
    let f = fixture();
    fn h(b: impl AsRef<[u8]>) -> String {
        hex::encode(b)
    }
    let quote_bytes = f.quote.encode_to_vec();
    let vb = &f.vote_batches[2];
    json!({
        "format": "MDN canonical encoding v1 test vectors; all byte strings are lower-case hex. See docs/protocol.md.",
        "network_id": NETWORK_ID,
        "tags": {
            "quote_id": String::from_utf8_lossy(TAG_QUOTE_ID),
            "observation_batch": String::from_utf8_lossy(TAG_OBSERVATION_BATCH),
            "vote_batch": String::from_utf8_lossy(TAG_VOTE_BATCH),
            "vote_leaf": String::from_utf8_lossy(TAG_VOTE_LEAF),
        },
        "keys": f.seeds.iter().zip(&f.keys).map(|(s, k)| json!({
            "seed": h(s),
            "public_key": PublicKey::from(k).to_hex(),
        })).collect::<Vec<_>>(),
        "validator_set": {
            "keys": f.set.keys().iter().map(PublicKey::to_hex).collect::<Vec<_>>(),
            "quorum": { "numerator": f.set.quorum().numerator, "denominator": f.set.quorum().denominator },
            "threshold": f.set.threshold(),
        },
        "quote": {
            "value": serde_json::to_value(&f.quote).unwrap(),
            "encoded": h(&quote_bytes),
            "id": f.quote.id().to_hex(),
        },
        "observation_batch": {
            "encoded": h(f.observation_batch.encode_to_vec()),
            "signing_input": h(f.observation_batch.signing_bytes()),
            "proposer": f.observation_batch.proposer.to_hex(),
            "signature": h(f.observation_batch.signature.0),
            "quote_ids": f.observation_batch.quotes.iter().map(|q| q.id().to_hex()).collect::<Vec<_>>(),
        },
        "vote_batch": {
            "encoded": h(vb.encode_to_vec()),
            "header": h(vb.header.encode_to_vec()),
            "signing_input": h(vb.header.signing_bytes()),
            "leaf_hashes": vb.votes.iter().map(|v| vote_leaf_hash(v).to_hex()).collect::<Vec<_>>(),
            "merkle_root": vb.header.merkle_root.to_hex(),
            "voter": vb.header.voter.to_hex(),
            "signature": h(vb.signature.0),
        },
        "certificate": {
            "quote_id": f.certificate.quote_id.to_hex(),
            "encoded": h(f.certificate.encode_to_vec()),
            "entry_count": f.certificate.entries.len(),
            "voters": f.certificate.entries.iter().map(|e| e.header.voter.to_hex()).collect::<Vec<_>>(),
        },
        "decision": {
            "encoded": h(f.decision.encode_to_vec()),
        },
    })
}

#[test]
fn vectors_match_the_committed_file() {
    let generated = serde_json::to_string_pretty(&generate()).unwrap() + "\n";
    let path = vectors_path();
    if std::env::var("MDN_BLESS").as_deref() == Ok("1") {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with MDN_BLESS=1 to create it", path.display()));
    assert!(
        committed == generated,
        "{} differs from the generated vectors; if the change is intended, run with MDN_BLESS=1",
        path.display()
    );
}

#[test]
fn committed_vectors_decode_and_verify() {
    let text = std::fs::read_to_string(vectors_path()).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let bytes = |p: &str| hex::decode(v.pointer(p).unwrap().as_str().unwrap()).unwrap();
    let f = fixture();
    let quote = mdn_protocol::Quote::decode_from_slice(&bytes("/quote/encoded")).unwrap();
    assert_eq!(
        quote.id().to_hex(),
        v.pointer("/quote/id").unwrap().as_str().unwrap()
    );
    ObservationBatch::decode_from_slice(&bytes("/observation_batch/encoded"))
        .unwrap()
        .verify()
        .unwrap();
    VoteBatch::decode_from_slice(&bytes("/vote_batch/encoded"))
        .unwrap()
        .verify()
        .unwrap();
    let cert = Certificate::decode_from_slice(&bytes("/certificate/encoded")).unwrap();
    cert.verify(&quote, &f.set, NETWORK_ID).unwrap();
    let decision = Decision::decode_from_slice(&bytes("/decision/encoded")).unwrap();
    decision.check_consistent().unwrap();
}
