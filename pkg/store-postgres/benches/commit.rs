//! Commit throughput on PostgreSQL: 10,000 validated decisions with 3-entry certificates, in
//! batches (binary COPY path and UNNEST path). Criterion reports elements/s = rows/s.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdn_protocol::Outcome;
use mdn_store::contract::fixtures::commit_salted;
use mdn_store::{DecisionCommit, Store};
use mdn_store_postgres::PgStore;
use mdn_testkit::TestDb;

/// The allocator the node binary runs with, so the figures are the node's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROWS: u64 = 10_000;

static SALT: AtomicU64 = AtomicU64::new(1);

fn fresh_batches(batch: usize) -> Vec<Vec<DecisionCommit>> {
    let salt = SALT.fetch_add(1, Ordering::Relaxed);
    let all: Vec<_> = (0..ROWS)
        .map(|i| commit_salted(i, salt, Outcome::Validated))
        .collect();
    all.chunks(batch).map(<[_]>::to_vec).collect()
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let (db, store) = runtime.block_on(async {
        let db = TestDb::create().await;
        let store = PgStore::connect(db.url()).await.expect("connect");
        (db, store)
    });
    let mut group = c.benchmark_group("pg_commit_10k_validated");
    group.throughput(Throughput::Elements(ROWS));
    group.sample_size(10);
    for batch in [10_000usize, 4_096, 250] {
        group.bench_function(format!("batch_{batch}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let batches = fresh_batches(batch);
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
    }
    group.finish();
    drop(store);
    drop(db);
}

criterion_group!(benches, bench);
criterion_main!(benches);
