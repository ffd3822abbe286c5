//! Reads over folded stats plus pending deltas equal applying every commit's deltas in turn, at
//! whatever point the fold happened.

use proptest::prelude::*;

use super::*;
use crate::plan::{OutcomeDelta, PeerDelta};

const SOURCES: [&str; 3] = ["binance", "kraken", "okx"];
const SYMBOLS: [&str; 3] = ["BTC/USD", "ETH/USD", "SOL/USD"];

fn peer(i: u8) -> PublicKey {
    PublicKey([i; 32])
}

/// One commit's deltas from small numbers: (source, symbol, outcome counts), (peer, counts),
/// (symbol, source, validated, price, time).
fn deltas(
    sources: Vec<(usize, usize, i64, i64, i64)>,
    peers: Vec<(u8, i64, i64)>,
    last: Vec<(usize, usize, i64, i64, i64)>,
) -> EffectDeltas {
    let mut d = EffectDeltas::default();
    for (so, sy, v, r, e) in sources {
        d.sources.insert(
            (SOURCES[so].to_owned(), SYMBOLS[sy].to_owned()),
            OutcomeDelta {
                validated: v,
                rejected: r,
                expired: e,
            },
        );
    }
    for (p, v, a) in peers {
        d.peers.insert(
            peer(p),
            PeerDelta {
                proposals: OutcomeDelta {
                    validated: v,
                    ..OutcomeDelta::default()
                },
                votes_agreed: a,
                votes_disagreed: 1,
            },
        );
    }
    for (sy, so, v, price, at) in last {
        d.symbol_sources.insert(
            (SYMBOLS[sy].to_owned(), SOURCES[so].to_owned()),
            SymbolSourceDelta {
                validated: v,
                last_observed_at_ms: at,
                last_price: Decimal::new(price, 2),
            },
        );
    }
    d
}

fn commit_deltas() -> impl Strategy<Value = EffectDeltas> {
    (
        prop::collection::vec((0..3usize, 0..3usize, 0..5i64, 0..5i64, 0..5i64), 0..5),
        prop::collection::vec((0..4u8, 0..5i64, 0..5i64), 0..4),
        prop::collection::vec((0..3usize, 0..3usize, 1..5i64, 0..1_000i64, 0..20i64), 0..5),
    )
        .prop_map(|(s, p, l)| deltas(s, p, l))
}

/// The (symbol, source) rows after applying `d` with the stats upsert's rule.
fn apply_rows(rows: Vec<SymbolSourceRow>, d: &EffectDeltas) -> Vec<SymbolSourceRow> {
    let mut by_key: BTreeMap<(String, String), SymbolSourceRow> = rows
        .into_iter()
        .map(|r| ((r.symbol.as_str().to_owned(), r.source.clone()), r))
        .collect();
    for ((symbol, source), x) in &d.symbol_sources {
        let validated = u64::try_from(x.validated).expect("positive");
        by_key
            .entry((symbol.clone(), source.clone()))
            .and_modify(|r| {
                r.validated += validated;
                if x.last_observed_at_ms >= r.last_observed_at_ms {
                    r.last_observed_at_ms = x.last_observed_at_ms;
                    r.last_price = x.last_price;
                }
            })
            .or_insert_with(|| SymbolSourceRow {
                symbol: Symbol::parse(symbol).expect("symbol"),
                source: source.clone(),
                validated,
                last_price: x.last_price,
                last_observed_at_ms: x.last_observed_at_ms,
            });
    }
    by_key.into_values().collect()
}

proptest! {
    #[test]
    fn reads_do_not_depend_on_when_deltas_were_folded(
        commits in prop::collection::vec(commit_deltas(), 0..8),
        split in 0..8usize,
    ) {
        let split = split.min(commits.len());
        // Every commit applied in turn.
        let mut sources = Vec::new();
        let mut peers = Vec::new();
        let mut rows = Vec::new();
        for d in &commits {
            sources = source_stats(sources, d).expect("counts");
            peers = peer_stats(peers, d).expect("counts");
            rows = apply_rows(rows, d);
        }
        let symbols = symbol_summaries(rows, &EffectDeltas::default()).expect("summaries");

        // The first `split` folded, the rest pending as one absorbed delta.
        let mut folded_sources = Vec::new();
        let mut folded_peers = Vec::new();
        let mut folded_rows = Vec::new();
        for d in &commits[..split] {
            folded_sources = source_stats(folded_sources, d).expect("counts");
            folded_peers = peer_stats(folded_peers, d).expect("counts");
            folded_rows = apply_rows(folded_rows, d);
        }
        let mut pending = EffectDeltas::default();
        for d in &commits[split..] {
            pending.absorb(d.clone());
        }
        prop_assert_eq!(source_stats(folded_sources, &pending).expect("counts"), sources);
        prop_assert_eq!(peer_stats(folded_peers, &pending).expect("counts"), peers);
        prop_assert_eq!(symbol_summaries(folded_rows, &pending).expect("summaries"), symbols);
    }
}

#[test]
fn a_later_observation_at_the_same_time_sets_the_last_price() {
    let mut first = deltas(vec![], vec![], vec![(0, 0, 1, 100, 5)]);
    first.absorb(deltas(vec![], vec![], vec![(0, 0, 1, 200, 5)]));
    first.absorb(deltas(vec![], vec![], vec![(0, 0, 1, 300, 4)]));
    let d = &first.symbol_sources[&(SYMBOLS[0].to_owned(), SOURCES[0].to_owned())];
    assert_eq!(d.validated, 3);
    assert_eq!(
        (d.last_price, d.last_observed_at_ms),
        (Decimal::new(200, 2), 5)
    );
}

#[test]
fn a_summary_takes_the_latest_source_and_counts_every_source() {
    let pending = deltas(
        vec![],
        vec![],
        vec![(0, 0, 2, 100, 7), (0, 1, 3, 200, 9), (1, 2, 1, 300, 1)],
    );
    let got = symbol_summaries(Vec::new(), &pending).expect("summaries");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].symbol.as_str(), "BTC/USD");
    assert_eq!((got[0].sources, got[0].validated), (2, 5));
    assert_eq!(
        (got[0].last_price, got[0].last_observed_at_ms),
        (Decimal::new(200, 2), 9)
    );
    assert_eq!(got[1].symbol.as_str(), "ETH/USD");
}

#[test]
fn a_negative_count_is_reported_as_corrupt() {
    let folded = vec![SourceStat {
        source: "kraken".into(),
        symbol: "BTC/USD".into(),
        validated: 1,
        rejected: 0,
        expired: 0,
    }];
    let pending = deltas(vec![(1, 0, -2, 0, 0)], vec![], vec![]);
    assert!(source_stats(folded, &pending).is_err());
}
