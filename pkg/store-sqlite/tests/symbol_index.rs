//! The (symbol, time) index kept in bulk (V7): with a small tail, listings by symbol merge indexed
//! entries with the tail, and always equal the unfiltered listing filtered by symbol, whatever the
//! filters, page size and order in which decisions arrived (late ones, as catch-up sync writes
//! them, and expired ones upgraded to validated). After a commit that gave the id index a step,
//! the append waits for twice its tail.

use std::path::Path;

use mdn_protocol::Outcome;
use mdn_store::contract::fixtures::{SOURCES, SYMBOLS, commit_salted, outcome_for, symbol};
use mdn_store::{DecisionQuery, Store, StoredDecision};
use mdn_store_sqlite::{IdIndexLimits, SqliteStore};

const TAIL_ROWS: i64 = 25;

/// Every page of `query`, `limit` at a time.
async fn all_pages(store: &SqliteStore, mut query: DecisionQuery, limit: u32) -> Vec<(i64, i64)> {
    query.limit = limit;
    let mut out = Vec::new();
    loop {
        let page = store.list_decisions(&query).await.expect("list");
        assert!(page.items.len() <= limit as usize);
        out.extend(page.items.iter().map(key));
        match page.next {
            Some(next) => query.after = Some(next),
            None => return out,
        }
    }
}

fn key(d: &StoredDecision) -> (i64, i64) {
    (d.decision.quote.observed_at_ms, d.seq)
}

/// Decisions in the tail and entries in the index, read with a second connection.
fn shape(path: &Path) -> (i64, i64, i64) {
    let conn = rusqlite::Connection::open(path).expect("open directly");
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    let tail = one(
        "SELECT count(*) FROM decisions WHERE seq > (SELECT indexed_seq FROM decision_symbol_tail)",
    );
    let indexed = one("SELECT count(*) FROM decision_symbols");
    let unindexed = one("SELECT count(*) FROM decisions d \
         WHERE d.seq <= (SELECT indexed_seq FROM decision_symbol_tail) AND NOT EXISTS \
           (SELECT 1 FROM decision_symbols s WHERE s.symbol = d.symbol \
              AND s.observed_at_ms = d.observed_at_ms AND s.seq = d.seq)");
    (tail, indexed, unindexed)
}

/// Every symbol query, paged 1, 4 and 50 at a time, against the unfiltered listing filtered here.
async fn assert_symbol_reads_match(store: &SqliteStore) {
    let everything = store
        .list_decisions(&DecisionQuery {
            limit: 1000,
            ..DecisionQuery::default()
        })
        .await
        .expect("list all");
    assert!(everything.next.is_none(), "fits one page");
    let all = everything.items;
    for name in SYMBOLS {
        let sym = symbol(name);
        let queries = [
            DecisionQuery::default(),
            DecisionQuery {
                source: Some(SOURCES[1].to_owned()),
                ..DecisionQuery::default()
            },
            DecisionQuery {
                outcome: Some(Outcome::Validated),
                since_ms: Some(all[all.len() / 2].decision.quote.observed_at_ms),
                ..DecisionQuery::default()
            },
            DecisionQuery {
                until_ms: Some(all[all.len() / 3].decision.quote.observed_at_ms),
                ..DecisionQuery::default()
            },
        ];
        for query in queries {
            let want: Vec<(i64, i64)> = all
                .iter()
                .filter(|d| {
                    let (q, o) = (&d.decision.quote, d.decision.outcome);
                    q.symbol == sym
                        && query.source.as_ref().is_none_or(|s| *s == q.source)
                        && query.outcome.is_none_or(|x| x == o)
                        && query.since_ms.is_none_or(|t| q.observed_at_ms >= t)
                        && query.until_ms.is_none_or(|t| q.observed_at_ms < t)
                })
                .map(key)
                .collect();
            assert!(!want.is_empty(), "{name} {query:?} matches something");
            let query = DecisionQuery {
                symbol: Some(sym.clone()),
                ..query
            };
            for limit in [1, 4, 50] {
                assert_eq!(
                    all_pages(store, query.clone(), limit).await,
                    want,
                    "{query:?} by {limit}"
                );
            }
        }
    }
}

#[tokio::test]
async fn reads_by_symbol_merge_the_index_and_the_tail() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("node.db");
    let store = SqliteStore::open_with(&path, IdIndexLimits::default())
        .await
        .expect("open")
        .with_symbol_tail_rows(TAIL_ROWS);
    for chunk in 0..8u64 {
        let batch: Vec<_> = (chunk * 23..(chunk + 1) * 23)
            .map(|i| commit_salted(i, 3, outcome_for(i)))
            .collect();
        store.commit(&batch).await.expect("commit");
        if chunk % 3 == 2 {
            assert_symbol_reads_match(&store).await;
        }
    }
    // Expired decisions upgraded to validated take a new seq (the tail) and leave their old
    // entry behind; late decisions observed long ago land in the tail too.
    let upgrades: Vec<_> = (0..100)
        .filter(|i| outcome_for(*i) == Outcome::Expired)
        .map(|i| commit_salted(i, 3, Outcome::Validated))
        .collect();
    let report = store.commit(&upgrades).await.expect("upgrade");
    assert_eq!(report.upgraded, upgrades.len() as u64);
    let late: Vec<_> = (0..3)
        .map(|i| commit_salted(i, 4, outcome_for(i)))
        .collect();
    store.commit(&late).await.expect("late");

    let (tail, indexed, unindexed) = shape(&path);
    assert_eq!(
        unindexed, 0,
        "every decision up to indexed_seq has its entry"
    );
    assert!(indexed >= 184, "8 × 23 decisions were appended: {indexed}");
    assert!(
        tail > 0 && tail < TAIL_ROWS,
        "the upgrades and late ones wait in the tail: {tail}"
    );
    assert_symbol_reads_match(&store).await;

    drop(store);
    let store = SqliteStore::open(&path).await.expect("reopen");
    assert_symbol_reads_match(&store).await;
}

#[tokio::test]
async fn after_an_id_index_step_the_append_waits_for_twice_its_tail() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("node.db");
    // Every commit of 30 rows gives the id index a step (its tail merges from 10 rows).
    let ids = IdIndexLimits {
        tail_rows: 10,
        fanout: 4,
        slice_entries: 1000,
    };
    let store = SqliteStore::open_with(&path, ids)
        .await
        .expect("open")
        .with_symbol_tail_rows(TAIL_ROWS);
    let mut tails = Vec::new();
    for chunk in 0..6u64 {
        let batch: Vec<_> = (chunk * 30..(chunk + 1) * 30)
            .map(|i| commit_salted(i, 5, outcome_for(i)))
            .collect();
        store.commit(&batch).await.expect("commit");
        tails.push(shape(&path).0);
    }
    // 30 waiting rows are over the tail length (25) but under twice it: they wait; 60 do not.
    assert_eq!(tails, vec![30, 0, 30, 0, 30, 0]);
    assert_eq!(shape(&path).2, 0, "every appended decision has its entry");
    assert_symbol_reads_match(&store).await;
}
