//! Benchmark: one run of `scripts/binance.rhai` parsing a 500-symbol `/api/v3/ticker/24hr` response
//! and emitting 500 validated quotes. HTTP time is excluded with a `StaticFetcher` (the allowlist,
//! evidence hashing, JSON parsing, emit and validation all run as in production).

#![allow(missing_docs)]

/// The allocator the node binary runs with, so the figures are the node's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdn_scripts::json::table::extract_table;
use mdn_scripts::{Fetched, Limits, RunOutcome, RunRequest, Script, StaticFetcher, run_blocking};
use sha2::{Digest, Sha256};

const SYMBOLS: usize = 500;

fn ticker_response(now_ms: i64) -> String {
    let items: Vec<String> = (0..SYMBOLS)
        .map(|i| {
            format!(
                concat!(
                    r#"{{"symbol":"S{i}USD","priceChange":"-94.99999800","priceChangePercent":"-0.146","#,
                    r#""weightedAvgPrice":"{p}.{i:02}","prevClosePrice":"{p}.10000000","lastPrice":"{p}.12000000","#,
                    r#""lastQty":"0.00200000","bidPrice":"{p}.11000000","bidQty":"1.50000000","askPrice":"{p}.13000000","#,
                    r#""askQty":"2.25000000","openPrice":"{p}.00000000","highPrice":"{p}.99000000","lowPrice":"{p}.01000000","#,
                    r#""volume":"1234.{i}","quoteVolume":"80000000.00000000","openTime":{open},"closeTime":{now},"#,
                    r#""firstId":28385,"lastId":28460,"count":76}}"#
                ),
                i = i,
                p = 1000 + i,
                open = now_ms - 86_400_000,
                now = now_ms,
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

fn bench(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/binance.rhai");
    let script = Script::load(path).expect("binance.rhai loads");
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_millis(),
    )
    .expect("ms");
    let body = ticker_response(now_ms);
    let fetcher = Arc::new(StaticFetcher {
        response: Fetched {
            status: 200,
            body: body.clone(),
        },
    });
    let limits = Limits {
        max_age_ms: 3_600_000,
        ..Limits::default()
    };
    let request = RunRequest::default();

    let report = run_blocking(&script, &request, &limits, fetcher.clone());
    assert_eq!(
        report.outcome,
        RunOutcome::Ok { quotes: SYMBOLS },
        "{:?}",
        report.rejected.first()
    );

    let mut group = c.benchmark_group("script_run");
    group.throughput(Throughput::Elements(1));
    group.bench_function("binance_500_symbols", |b| {
        b.iter(|| black_box(run_blocking(&script, &request, &limits, fetcher.clone())))
    });
    // The parts of a run, each alone over the same body.
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("evidence_sha256_500_tickers", |b| {
        b.iter(|| black_box(Sha256::digest(body.as_bytes())))
    });
    let columns = [
        "symbol",
        "lastPrice",
        "bidPrice",
        "askPrice",
        "volume",
        "closeTime",
    ];
    group.bench_function("extract_table_500_tickers", |b| {
        b.iter(|| black_box(extract_table(&body, "", &columns, 10_000).expect("table")))
    });
    group.bench_function("parse_json_500_tickers", |b| {
        b.iter(|| black_box(mdn_scripts::json::parse_json(&body).expect("json")))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
