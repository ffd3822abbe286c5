//! Commit throughput on PostgreSQL: 10,000 validated decisions with 4-entry certificates, in
//! batches (binary COPY path and UNNEST path). Criterion reports elements/s = rows/s.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdn_store::contract::fixtures::batched_commits;
use mdn_store::{DecisionCommit, Store};
use mdn_store_postgres::PgStore;
use mdn_testkit::TestDb;

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

/// Writes out every dirty page now (the bench connects as a superuser, as the test harness does).
async fn checkpoint(url: &str) {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect for CHECKPOINT");
    tokio::spawn(connection);
    client
        .batch_execute("CHECKPOINT")
        .await
        .expect("CHECKPOINT");
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let mut group = c.benchmark_group("pg_commit_10k_validated");
    group.throughput(Throughput::Elements(ROWS));
    group.sample_size(10);
    let cases = [10_000usize, 4_096, 250]
        .map(|b| (format!("batch_{b}"), b, true))
        .into_iter()
        .chain([("full_certificates_batch_4096".to_owned(), 4_096, false)]);
    for (name, batch, by_batch) in cases {
        // A fresh database per case: commit cost grows with the table (the primary key takes
        // random inserts), so each case starts empty and reports how large its table grew. A
        // checkpoint first, so that the dirty pages of the case before (or of other work) are not
        // written out during this one.
        let (db, store) = runtime.block_on(async {
            let db = TestDb::create().await;
            checkpoint(db.url()).await;
            let store = PgStore::connect(db.url()).await.expect("connect");
            (db, store)
        });
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
        drop(db);
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
