//! Vote tally throughput: quotes per second through a node's tally (4 validators, threshold 3),
//! each opened by its proposal and then voted on by all four with a certificate entry, as a node's
//! tally sees them. The tally has a node's bounds (200,000 open, 800,000 remembered decisions), and
//! the clock moves 0.1 ms per quote (10,000 quotes per second). `fresh` starts from an empty tally,
//! like a node's first seconds; `steady` first decides 900,000 quotes, so the tally's memory of
//! decisions is full and forgetting keeps pace with deciding, like a node that has run for minutes.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use mdn_consensus::tally::Tally;
use mdn_protocol::{
    CertificateEntry, Hash32, MerkleProof, PublicKey, QuoteId, Signature, Verdict, VoteBatchHeader,
};

/// The allocator the node binary runs with, so the figures are the node's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const QUOTES: u64 = 10_000;
const VOTERS: u8 = 4;

fn voter(v: u8) -> PublicKey {
    PublicKey([v + 1; 32])
}

fn tally() -> Tally {
    Tally::new(3, (0..VOTERS).map(voter), 5_000, 200_000)
        .expect("tally")
        .with_decided_memory(120_000, 800_000)
}

fn quote_id(n: u64) -> QuoteId {
    let mut id = [0u8; 32];
    id[..8].copy_from_slice(&n.to_le_bytes());
    id[8..16].copy_from_slice(&n.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes());
    Hash32(id)
}

/// The certificate entry of `v`'s accept vote (a batch of 256 votes: an 8-hash proof).
fn entry(v: u8, n: u64) -> CertificateEntry {
    CertificateEntry {
        header: VoteBatchHeader {
            network_id: "devnet".to_owned(),
            voter: voter(v),
            seq: n / 256,
            created_at_ms: 0,
            vote_count: 256,
            merkle_root: Hash32([v; 32]),
        },
        signature: Signature([v; 64]),
        proof: MerkleProof {
            index: u32::try_from(n % 256).unwrap_or(0),
            siblings: vec![Hash32([7; 32]); 8],
        },
    }
}

/// Opens and votes on quotes `from..from + QUOTES`; returns how many were decided.
fn run(t: &mut Tally, from: u64, entries: Vec<Vec<CertificateEntry>>) -> usize {
    let mut decided = 0;
    for (n, votes) in (from..).zip(entries) {
        let now = i64::try_from(n / 10).unwrap_or(i64::MAX);
        let id = quote_id(n);
        t.open(id, now);
        for (v, e) in (0..VOTERS).zip(votes) {
            let outcome = t.add_vote(voter(v), id, Verdict::Accept, Some(e), now);
            decided += usize::from(matches!(
                outcome,
                mdn_consensus::tally::VoteOutcome::Decided(_)
            ));
        }
        if n % 500 == 0 {
            decided += t.expire(now).len();
        }
    }
    decided
}

fn entries(from: u64) -> Vec<Vec<CertificateEntry>> {
    (from..from + QUOTES)
        .map(|n| (0..VOTERS).map(|v| entry(v, n)).collect())
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("tally");
    group.throughput(Throughput::Elements(QUOTES));
    group.bench_function("fresh_10k_quotes", |b| {
        b.iter_batched(
            || (tally(), entries(0)),
            |(mut t, e)| black_box(run(&mut t, 0, e)),
            BatchSize::LargeInput,
        );
    });
    let mut steady = tally();
    let mut next = 0;
    while next < 900_000 {
        run(&mut steady, next, entries(next));
        next += QUOTES;
    }
    group.bench_function("steady_10k_quotes", |b| {
        b.iter_batched(
            || {
                let from = next;
                next += QUOTES;
                (from, entries(from))
            },
            |(from, e)| black_box(run(&mut steady, from, e)),
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
