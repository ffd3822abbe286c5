//! Reputation book throughput as a busy node drives it: 4 validators, 640 symbols from 4 venues,
//! every validator proposing each (venue, symbol) once a second (10,240 decisions a second, a
//! quarter of them this node's own), all four accepting, and `tick` once a second like the node's
//! reputation actor, which also takes the source and peer views for its snapshot. Each measured
//! iteration is one such second of the node's clock, after 20 s of warm-up so that settling and
//! interval closing run at their steady pace.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdn_protocol::{Hash32, Outcome, PublicKey, Symbol, Verdict};
use mdn_reputation::{DecisionInfo, Params, ReputationBook};
use rust_decimal::Decimal;

/// The allocator the node binary runs with, so the figures are the node's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const VENUES: [&str; 4] = ["binance", "coinbase", "kraken", "okx"];
const SYMBOLS: usize = 640;
const VALIDATORS: u8 = 4;

fn validator(v: u8) -> PublicKey {
    PublicKey([v + 1; 32])
}

struct Feed {
    symbols: Vec<Symbol>,
    next_id: u64,
}

impl Feed {
    fn new() -> Self {
        Self {
            symbols: (0..SYMBOLS)
                .map(|i| Symbol::parse(&format!("S{i}/USD")).expect("valid symbol"))
                .collect(),
            next_id: 0,
        }
    }

    /// One second of decisions observed in `second` (ms since the epoch of the bench's clock).
    fn second(&mut self, second_ms: i64) -> Vec<DecisionInfo> {
        let votes: Vec<(PublicKey, Verdict)> = (0..VALIDATORS)
            .map(|v| (validator(v), Verdict::Accept))
            .collect();
        let mut out = Vec::with_capacity(SYMBOLS * VENUES.len() * usize::from(VALIDATORS));
        for proposer in 0..VALIDATORS {
            for (s, symbol) in self.symbols.iter().enumerate() {
                for (v, venue) in VENUES.iter().enumerate() {
                    self.next_id += 1;
                    let mut id = [0u8; 32];
                    id[..8].copy_from_slice(&self.next_id.to_le_bytes());
                    let observed = second_ms + i64::try_from(s % 1000).unwrap_or(0);
                    out.push(DecisionInfo {
                        quote_id: Hash32(id),
                        outcome: Outcome::Validated,
                        source: (*venue).to_owned(),
                        symbol: symbol.clone(),
                        price: Decimal::new(10_000 + i64::try_from(v + s).unwrap_or(0), 2),
                        observed_at_ms: observed,
                        proposer: validator(proposer),
                        decided_at_ms: observed + 150,
                        votes: votes.clone(),
                    });
                }
            }
        }
        out
    }
}

fn bench_book(c: &mut Criterion) {
    let mut g = c.benchmark_group("reputation_book");
    let per_second = SYMBOLS * VENUES.len() * usize::from(VALIDATORS);
    g.throughput(Throughput::Elements(per_second as u64));
    g.sample_size(20);
    g.bench_function("one_second_of_decisions", |b| {
        let mut book = ReputationBook::new(
            Params::default(),
            validator(0),
            (0..VALIDATORS).map(validator),
            Vec::<String>::new(),
            0,
        );
        for venue in VENUES {
            book.track_source(venue, 0);
        }
        let mut feed = Feed::new();
        let mut now = 1_000;
        let one_second = |book: &mut ReputationBook, feed: &mut Feed, now: &mut i64| {
            let decisions = feed.second(*now);
            let started = Instant::now();
            for d in decisions {
                book.record_decision(d);
            }
            *now += 1_000;
            black_box(book.tick(*now));
            black_box(book.source_views());
            black_box(book.peer_views(*now));
            started.elapsed()
        };
        for _ in 0..20 {
            one_second(&mut book, &mut feed, &mut now);
        }
        b.iter_custom(|iters| {
            (0..iters).fold(Duration::ZERO, |sum, _| {
                sum + one_second(&mut book, &mut feed, &mut now)
            })
        });
    });
    g.finish();
}

criterion_group!(benches, bench_book);
criterion_main!(benches);
