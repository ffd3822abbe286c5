//! Contract cases for everything but decisions: events, scores, peers, evidence, prices, scripts,
//! sync cursors.

use mdn_protocol::{Hash32, Outcome};
use rust_decimal::Decimal;

use super::fixtures::{self, commit, key};
use crate::records::{
    Evidence, PeerRecord, PricePoint, ScriptRecord, SourceEvent, SourceEventKind, SourceScore,
};
use crate::store::Store;

/// The store answers.
pub async fn ping_answers(store: &dyn Store) {
    store.ping().await.expect("ping");
}

/// Source events of every kind round-trip, newest first, filtered and limited.
pub async fn source_events_round_trip(store: &dyn Store) {
    let kinds = [
        SourceEventKind::Ok { quotes: 3 },
        SourceEventKind::ScriptError {
            message: "undefined variable x".into(),
            line: Some(4),
            column: Some(12),
        },
        SourceEventKind::ScriptError {
            message: "no position".into(),
            line: None,
            column: None,
        },
        SourceEventKind::Timeout,
        SourceEventKind::HttpError {
            status: Some(503),
            message: "unavailable".into(),
        },
        SourceEventKind::HttpError {
            status: None,
            message: "connection refused".into(),
        },
        SourceEventKind::RejectedOutput {
            message: "price must be positive".into(),
        },
    ];
    let events: Vec<_> = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| SourceEvent {
            source: if i % 2 == 0 { "binance" } else { "kraken" }.into(),
            at_ms: fixtures::BASE_MS + i as i64,
            duration_ms: 10 * i as i64,
            kind: kind.clone(),
        })
        .collect();
    store.record_source_events(&events).await.expect("record");
    let all = store.source_events(None, 100).await.expect("events");
    let mut want = events.clone();
    want.reverse();
    assert_eq!(all, want);
    let binance = store
        .source_events(Some("binance"), 2)
        .await
        .expect("events");
    assert_eq!(binance, vec![events[6].clone(), events[4].clone()]);
    assert!(
        store
            .source_events(Some("nope"), 10)
            .await
            .expect("events")
            .is_empty()
    );
}

fn score(source: &str, score: f64, at_ms: i64) -> SourceScore {
    SourceScore {
        source: source.into(),
        symbol: None,
        score,
        network_score: None,
        acceptance: 0.9,
        deviation: 0.8,
        staleness: 0.7,
        reliability: 0.6,
        quarantined: score < 0.2,
        updated_at_ms: at_ms,
    }
}

/// Current scores are replaced; the history keeps every put.
pub async fn source_scores_keep_history(store: &dyn Store) {
    let t = fixtures::BASE_MS;
    store
        .put_source_scores(&[score("kraken", 0.5, t), score("binance", 0.9, t)])
        .await
        .expect("put");
    store
        .put_source_scores(&[score("kraken", 0.1, t + 1000)])
        .await
        .expect("put");
    let current = store.source_scores().await.expect("scores");
    assert_eq!(
        current,
        vec![score("binance", 0.9, t), score("kraken", 0.1, t + 1000)]
    );
    let history = store
        .source_score_history("kraken", None, t)
        .await
        .expect("history");
    assert_eq!(
        history,
        vec![score("kraken", 0.5, t), score("kraken", 0.1, t + 1000)]
    );
    let recent = store
        .source_score_history("kraken", None, t + 1)
        .await
        .expect("history");
    assert_eq!(recent, vec![score("kraken", 0.1, t + 1000)]);
}

/// A source's per-symbol scores live next to its overall score, each with its own history, and
/// carry the network view.
pub async fn source_scores_per_symbol(store: &dyn Store) {
    let t = fixtures::BASE_MS;
    let on = |symbol: &str, s: f64, network: Option<f64>, at: i64| SourceScore {
        symbol: Some(symbol.into()),
        network_score: network,
        ..score("kraken", s, at)
    };
    store
        .put_source_scores(&[
            score("kraken", 0.8, t),
            on("BTC/USD", 0.1, Some(0.15), t),
            on("ETH/USD", 0.9, None, t),
        ])
        .await
        .expect("put");
    store
        .put_source_scores(&[on("BTC/USD", 0.05, Some(0.1), t + 1000)])
        .await
        .expect("put");
    let current = store.source_scores().await.expect("scores");
    assert_eq!(
        current,
        vec![
            score("kraken", 0.8, t),
            on("BTC/USD", 0.05, Some(0.1), t + 1000),
            on("ETH/USD", 0.9, None, t),
        ]
    );
    let btc = store
        .source_score_history("kraken", Some("BTC/USD"), t)
        .await
        .expect("history");
    assert_eq!(
        btc,
        vec![
            on("BTC/USD", 0.1, Some(0.15), t),
            on("BTC/USD", 0.05, Some(0.1), t + 1000)
        ]
    );
    let whole = store
        .source_score_history("kraken", None, t)
        .await
        .expect("history");
    assert_eq!(whole, vec![score("kraken", 0.8, t)]);
}

/// Peers are upserted by key; peer stats come from committed decisions.
pub async fn peers_upsert_and_stats(store: &dyn Store) {
    let mut a = PeerRecord::new(key(1));
    a.peer_id = "12D3KooA".into();
    a.reputation = 0.75;
    a.validator = true;
    a.addresses = vec![
        "/ip4/127.0.0.1/tcp/4001".into(),
        "/ip4/127.0.0.1/udp/4001/quic-v1".into(),
    ];
    a.last_seen_ms = fixtures::BASE_MS;
    let b = PeerRecord::new(key(2));
    store.put_peers(&[b.clone(), a.clone()]).await.expect("put");
    a.reputation = 0.5;
    a.addresses.clear();
    store.put_peers(&[a.clone()]).await.expect("put");
    assert_eq!(store.peers().await.expect("peers"), vec![a, b]);

    store
        .commit(&[commit(0, Outcome::Validated), commit(4, Outcome::Rejected)])
        .await
        .expect("commit");
    let stats = store.peer_stats().await.expect("stats");
    let proposer = stats
        .iter()
        .find(|s| s.peer == fixtures::quote(0).proposer)
        .expect("proposer has stats");
    assert_eq!(
        (proposer.proposals_validated, proposer.proposals_rejected),
        (1, 1),
        "quotes 0 and 4 share a proposer"
    );
    let first_voter = stats
        .iter()
        .find(|s| s.peer == key(1))
        .expect("voter stats");
    assert_eq!(
        (first_voter.votes_agreed, first_voter.votes_disagreed),
        (2, 0)
    );
    let second_voter = stats
        .iter()
        .find(|s| s.peer == key(2))
        .expect("voter stats");
    assert_eq!(
        (second_voter.votes_agreed, second_voter.votes_disagreed),
        (1, 1)
    );
}

/// Evidence is stored once per (voter, quote).
pub async fn evidence_recorded_once(store: &dyn Store) {
    let ev = Evidence {
        voter: key(3),
        quote_id: fixtures::quote(1).id(),
        first: vec![1, 2, 3],
        second: vec![4, 5, 6],
        at_ms: fixtures::BASE_MS,
    };
    assert!(store.record_evidence(&ev).await.expect("record"));
    assert!(!store.record_evidence(&ev).await.expect("record again"));
    let other = Evidence {
        voter: key(4),
        at_ms: fixtures::BASE_MS + 1,
        ..ev.clone()
    };
    assert!(store.record_evidence(&other).await.expect("record"));
    assert_eq!(
        store.evidence(None).await.expect("all"),
        vec![ev.clone(), other]
    );
    assert_eq!(store.evidence(Some(key(3))).await.expect("one"), vec![ev]);
}

fn price(symbol: &str, start: i64, price: i64, sources: u32) -> PricePoint {
    PricePoint {
        symbol: fixtures::symbol(symbol),
        interval_start_ms: start,
        price: Decimal::new(price, 3),
        confidence: Decimal::new(15, 4),
        sources,
    }
}

/// Prices upsert by (symbol, interval) and come back oldest first, newest `limit`.
pub async fn prices_upsert_and_range(store: &dyn Store) {
    let t = fixtures::BASE_MS;
    let points: Vec<_> = (0..5)
        .map(|i| price("BTC/USD", t + i * 1000, 100_000 + i, 3))
        .chain([price("ETH/USD", t, 2_000_123, 2)])
        .collect();
    store.put_prices(&points).await.expect("put");
    let replaced = price("BTC/USD", t + 4000, 123_456_789, 4);
    store
        .put_prices(std::slice::from_ref(&replaced))
        .await
        .expect("put");
    let btc = fixtures::symbol("BTC/USD");
    let got = store.prices(&btc, t + 1000, 2).await.expect("prices");
    assert_eq!(got, vec![points[3].clone(), replaced]);
    let all = store.prices(&btc, t, 100).await.expect("prices");
    assert_eq!(all.len(), 5);
    let eth = store
        .prices(&fixtures::symbol("ETH/USD"), 0, 10)
        .await
        .expect("prices");
    assert_eq!(eth, vec![points[5].clone()]);
}

/// Scripts round-trip, replace by hash, and change trust.
pub async fn scripts_round_trip_and_trust(store: &dyn Store) {
    let script = ScriptRecord {
        hash: Hash32([9; 32]),
        name: "binance".into(),
        version: "1.0.0".into(),
        author: Some(key(5)),
        manifest_json: r#"{"name":"binance"}"#.into(),
        body: "fn run() { 1 }".into(),
        installed_at_ms: fixtures::BASE_MS,
        installed_by: "operator".into(),
        ..ScriptRecord::default()
    };
    let other = ScriptRecord {
        hash: Hash32([8; 32]),
        name: "alpha".into(),
        author: None,
        ..script.clone()
    };
    assert!(store.put_script(&script).await.expect("put"));
    assert!(!store.put_script(&script).await.expect("put again"));
    assert!(store.put_script(&other).await.expect("put"));
    assert_eq!(
        store.scripts().await.expect("list"),
        vec![other, script.clone()]
    );
    assert!(
        store
            .set_script_trust(&script.hash, true, "admin", fixtures::BASE_MS + 5)
            .await
            .expect("trust")
    );
    let trusted = store
        .script(&script.hash)
        .await
        .expect("get")
        .expect("stored");
    assert!(trusted.trusted);
    assert_eq!(trusted.trusted_at_ms, Some(fixtures::BASE_MS + 5));
    assert_eq!(trusted.trusted_by.as_deref(), Some("admin"));
    assert!(
        !store
            .set_script_trust(&Hash32([1; 32]), true, "admin", 0)
            .await
            .expect("trust unknown")
    );
    assert!(store.script(&Hash32([1; 32])).await.expect("get").is_none());
}

/// Sync cursors start at 0 and keep the last value set.
pub async fn sync_cursors_persist(store: &dyn Store) {
    assert_eq!(store.sync_cursor("peer-a").await.expect("cursor"), 0);
    store.set_sync_cursor("peer-a", 17).await.expect("set");
    store.set_sync_cursor("peer-a", 42).await.expect("set");
    store.set_sync_cursor("peer-b", 5).await.expect("set");
    assert_eq!(store.sync_cursor("peer-a").await.expect("cursor"), 42);
    assert_eq!(store.sync_cursor("peer-b").await.expect("cursor"), 5);
}
