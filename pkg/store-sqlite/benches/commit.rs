//! Commit throughput on SQLite: 10,000 validated decisions with 4-entry certificates, in
//! batches. Criterion reports elements/s = rows/s.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdn_store::contract::fixtures::batched_commits;
use mdn_store::{DecisionCommit, Store};
use mdn_store_sqlite::SqliteStore;

/// The allocator the node binary runs with, so the figures are the node's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROWS: u64 = 10_000;

static SALT: AtomicU64 = AtomicU64::new(1);

/// Votes per vote batch: each of the 4 voters' batches covers this many quotes.
const VOTES_PER_BATCH: usize = 256;

/// Fresh decisions as the tally makes them (4 accept votes from vote batches), by reference
/// (`by_batch`: batches stored once, certificates as references) or with their certificates in
/// full (as decisions received from peers are), split into commits of `batch`.
fn fresh_batches(batch: usize, by_batch: bool) -> Vec<Vec<DecisionCommit>> {
    let salt = SALT.fetch_add(1, Ordering::Relaxed);
    // Each round's quotes are observed after the previous round's, as a running node's are.
    let first = salt * ROWS;
    let mut all = batched_commits(first..first + ROWS, salt, VOTES_PER_BATCH);
    if !by_batch {
        for commit in &mut all {
            commit.decision.certificate = commit.certificate();
            commit.accepts.clear();
        }
    }
    all.chunks(batch).map(<[_]>::to_vec).collect()
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("sqlite_commit_10k_validated");
    group.throughput(Throughput::Elements(ROWS));
    group.sample_size(10);
    let cases = [10_000usize, 4_096, 500]
        .map(|b| (format!("batch_{b}"), b, true))
        .into_iter()
        .chain([("full_certificates_batch_4096".to_owned(), 4_096, false)]);
    for (name, batch, by_batch) in cases {
        // A fresh file per case: the id index's compactions grow with the table, so each case
        // starts empty and reports how large its table grew.
        let store = runtime
            .block_on(SqliteStore::open(dir.path().join(format!("{name}.db"))))
            .expect("open");
        group.bench_function(&name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let batches = fresh_batches(batch, by_batch);
                    let start = Instant::now();
                    runtime.block_on(async {
                        for chunk in &batches {
                            let report = store.commit(chunk).await.expect("commit");
                            assert_eq!(report.inserted, chunk.len() as u64);
                        }
                    });
                    total += start.elapsed();
                }
                total
            });
        });
        let counts = runtime.block_on(store.decision_counts()).expect("counts");
        println!("{name}: {} decisions stored by the end", counts.validated);
        drop(store);
    }
    group.finish();
    drop(dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
