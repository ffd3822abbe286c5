//! Criterion benchmarks of the protocol's hot paths: quote encoding and hashing, vote batch signing
//! and verification (single vs batch), Merkle proofs over 256 leaves.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mdn_protocol::merkle::{prove, root, verify_proof, vote_leaf_hash};
use mdn_protocol::sign::{verify_many, verify_one};
use mdn_protocol::{
    Encode, Hash32, PublicKey, Quote, Signature, Symbol, Verdict, Vote, VoteBatch,
    signing_key_from_seed,
};
use rust_decimal::Decimal;

fn quote() -> Quote {
    let key = signing_key_from_seed([1; 32]);
    Quote {
        symbol: Symbol::parse("BTC/USD").expect("valid symbol"),
        source: "binance".to_owned(),
        price: Decimal::new(6_512_345, 2),
        bid: Some(Decimal::new(6_512_300, 2)),
        ask: Some(Decimal::new(6_512_400, 2)),
        volume: Some(Decimal::new(123_456_789, 4)),
        observed_at_ms: 1_767_225_600_000,
        script_hash: Hash32([7; 32]),
        evidence_hash: Hash32([8; 32]),
        proposer: PublicKey::from(&key),
    }
}

fn votes(n: usize) -> Vec<Vote> {
    (0..n)
        .map(|i| Vote {
            quote_id: Hash32([(i % 251) as u8; 32]),
            verdict: Verdict::Accept,
        })
        .collect()
}

fn bench_quote(c: &mut Criterion) {
    let q = quote();
    c.bench_function("quote/encode", |b| b.iter(|| black_box(&q).encode_to_vec()));
    c.bench_function("quote/encode+id", |b| b.iter(|| black_box(&q).id()));
}

fn bench_vote_batch(c: &mut Criterion) {
    let key = signing_key_from_seed([2; 32]);
    let v = votes(256);
    c.bench_function("vote_batch/build_256", |b| {
        b.iter(|| VoteBatch::build("bench".into(), 1, 1, black_box(v.clone()), &key))
    });
    let batch = VoteBatch::build("bench".into(), 1, 1, v, &key).expect("256 votes fit");
    c.bench_function("vote_batch/verify_256", |b| {
        b.iter(|| black_box(&batch).verify())
    });
    // A node checks each received batch once and keeps every vote's audit path (~500 votes per
    // batch at 10,000 quotes/s and a 50 ms voter flush).
    let batch = VoteBatch::build("bench".into(), 1, 1, votes(512), &key).expect("512 votes fit");
    c.bench_function("vote_batch/verify_with_proofs_512", |b| {
        b.iter(|| black_box(&batch).verify_with_proofs())
    });
}

fn bench_signatures(c: &mut Criterion) {
    let keys: Vec<_> = (0..256u32)
        .map(|i| {
            let mut seed = [0u8; 32];
            seed[..4].copy_from_slice(&i.to_le_bytes());
            signing_key_from_seed(seed)
        })
        .collect();
    let batches: Vec<VoteBatch> = keys
        .iter()
        .map(|k| VoteBatch::build("bench".into(), 1, 1, votes(4), k).expect("fits"))
        .collect();
    let messages: Vec<Vec<u8>> = batches.iter().map(|b| b.header.signing_bytes()).collect();
    let items: Vec<(&[u8], PublicKey, Signature)> = batches
        .iter()
        .zip(&messages)
        .map(|(b, m)| (m.as_slice(), b.header.voter, b.signature))
        .collect();
    let mut g = c.benchmark_group("signatures_256");
    g.bench_function("single_verify_strict", |b| {
        b.iter(|| items.iter().all(|(m, k, s)| verify_one(m, k, s).is_ok()))
    });
    g.bench_function("batch_verify", |b| {
        b.iter(|| verify_many(black_box(&items)).iter().all(Result::is_ok))
    });
    g.finish();
}

fn bench_merkle(c: &mut Criterion) {
    let leaves: Vec<Hash32> = votes(256).iter().map(vote_leaf_hash).collect();
    let r = root(&leaves);
    c.bench_function("merkle/root_256", |b| b.iter(|| root(black_box(&leaves))));
    c.bench_function("merkle/prove_256", |b| {
        b.iter(|| prove(black_box(&leaves), 137))
    });
    let p = prove(&leaves, 137).expect("in range");
    c.bench_function("merkle/verify_256", |b| {
        b.iter(|| verify_proof(black_box(&leaves[137]), &p, 256, &r))
    });
}

criterion_group!(
    benches,
    bench_quote,
    bench_vote_batch,
    bench_signatures,
    bench_merkle
);
criterion_main!(benches);
