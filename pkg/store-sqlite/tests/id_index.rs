//! The quote-id index (a log-structured merge tree, V6): with small limits, a stream of commits
//! goes through many merges and compactions, and every decision is still found by its bare id,
//! after a reopen too; a database migrated from V5 finds the decisions it already held.

use std::collections::HashSet;
use std::path::Path;

use mdn_protocol::{Outcome, QuoteId};
use mdn_store::Store;
use mdn_store::contract::fixtures::{commit_salted, outcome_for};
use mdn_store_sqlite::{IdIndexLimits, MIGRATIONS, SqliteStore};

const SMALL: IdIndexLimits = IdIndexLimits {
    tail_rows: 40,
    fanout: 3,
    slice_entries: 30,
};

/// What the index tables hold, read with a second connection.
#[derive(Debug, PartialEq, Eq)]
struct Shape {
    /// Runs listed.
    runs: i64,
    /// Entries actually stored in the largest run no compaction is filling.
    largest_settled: i64,
    /// Decisions up to `indexed_seq` with no entry in a listed run.
    missing: i64,
    /// Decisions in the tail.
    tail: i64,
    /// Decisions in the tail that also have an entry in a run (upgraded after being indexed).
    tail_also_in_runs: i64,
}

fn index_shape(path: &Path) -> Shape {
    let conn = rusqlite::Connection::open(path).expect("open directly");
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    let has_entry = "EXISTS (SELECT 1 FROM decision_ids i \
         WHERE i.id_prefix = substr(d.quote_id, 1, 8) AND i.observed_at_ms = d.observed_at_ms \
           AND i.run IN (SELECT run FROM decision_id_runs))";
    Shape {
        runs: one("SELECT count(*) FROM decision_id_runs"),
        largest_settled: one(
            "SELECT COALESCE(MAX(n), 0) FROM (SELECT count(*) AS n FROM decision_ids \
             WHERE run IN (SELECT run FROM decision_id_runs WHERE next_slice IS NULL) \
             GROUP BY run)",
        ),
        missing: one(&format!(
            "SELECT count(*) FROM decisions d \
             WHERE d.seq <= (SELECT indexed_seq FROM decision_id_tail) AND NOT {has_entry}"
        )),
        tail: one(
            "SELECT count(*) FROM decisions WHERE seq > (SELECT indexed_seq FROM decision_id_tail)",
        ),
        tail_also_in_runs: one(&format!(
            "SELECT count(*) FROM decisions d \
             WHERE d.seq > (SELECT indexed_seq FROM decision_id_tail) AND {has_entry}"
        )),
    }
}

/// Upgrades to validated the expired decisions among quotes `numbers` (salt 3).
async fn upgrade(
    store: &SqliteStore,
    numbers: std::ops::Range<u64>,
    validated: &mut HashSet<QuoteId>,
) {
    let upgrades: Vec<_> = numbers
        .filter(|i| outcome_for(*i) == Outcome::Expired)
        .map(|i| commit_salted(i, 3, Outcome::Validated))
        .collect();
    let report = store.commit(&upgrades).await.expect("upgrade");
    assert_eq!(report.upgraded, upgrades.len() as u64);
    validated.extend(upgrades.iter().map(|c| c.decision.quote.id()));
}

async fn assert_all_found(store: &SqliteStore, ids: &[QuoteId], validated: &HashSet<QuoteId>) {
    for id in ids {
        let found = store
            .decision(id)
            .await
            .expect("read")
            .expect("found by id");
        assert_eq!(found.decision.quote.id(), *id);
    }
    let mut asked = ids.to_vec();
    let unknown: Vec<QuoteId> = (0..10)
        .map(|i| {
            commit_salted(i, 999, Outcome::Validated)
                .decision
                .quote
                .id()
        })
        .collect();
    asked.extend(&unknown);
    assert_eq!(
        &store.validated_among(&asked).await.expect("among"),
        validated
    );
    for id in &unknown {
        assert!(store.decision(id).await.expect("read").is_none());
    }
}

#[tokio::test]
async fn every_decision_is_found_by_id_through_merges_and_compactions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("node.db");
    let store = SqliteStore::open_with(&path, SMALL).await.expect("open");
    let mut ids = Vec::new();
    let mut validated = HashSet::new();
    for chunk in 0..45u64 {
        let batch: Vec<_> = (chunk * 37..(chunk + 1) * 37)
            .map(|i| commit_salted(i, 3, outcome_for(i)))
            .collect();
        for c in &batch {
            ids.push(c.decision.quote.id());
            if c.decision.outcome == Outcome::Validated {
                validated.insert(c.decision.quote.id());
            }
        }
        store.commit(&batch).await.expect("commit");
        // Expired decisions upgraded to validated move to the tail again (a new seq) while
        // their old entry stays in a run: later merges and compactions see both.
        if chunk == 20 {
            upgrade(&store, 0..200, &mut validated).await;
        }
    }
    // And some upgrades and new decisions that stay in the tail for the lookups below.
    upgrade(&store, 200..300, &mut validated).await;
    let fresh: Vec<_> = (0..5u64)
        .map(|i| commit_salted(i, 4, Outcome::Validated))
        .collect();
    store.commit(&fresh).await.expect("commit");
    for c in &fresh {
        ids.push(c.decision.quote.id());
        validated.insert(c.decision.quote.id());
    }

    let shape = index_shape(&path);
    assert_eq!(
        shape.missing, 0,
        "every indexed decision has an entry: {shape:?}"
    );
    // 1,725 commits of rows in batches of 37 make about 40 merges of 40-77 entries; compactions
    // (one at a time, a slice per commit, while merges go on) keep the runs far fewer.
    assert!(shape.runs <= 16, "{shape:?}");
    assert!(
        shape.largest_settled > 77,
        "no finished compaction: {shape:?}"
    );
    assert!(shape.tail_also_in_runs > 0, "{shape:?}");
    assert!(
        shape.tail > shape.tail_also_in_runs,
        "no new decision in the tail: {shape:?}"
    );
    assert_all_found(&store, &ids, &validated).await;

    drop(store);
    let store = SqliteStore::open_with(&path, SMALL).await.expect("reopen");
    assert_all_found(&store, &ids, &validated).await;
}

/// Applies V1..V5 to a new file, as an mdnode of before V6 left it, with `n` decisions: every
/// third expired, the others rejected.
fn v5_database(path: &Path, n: u64) -> Vec<QuoteId> {
    let mut conn = rusqlite::Connection::open(path).expect("open directly");
    conn.execute_batch(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, \
         checksum TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)",
    )
    .expect("migrations table");
    let tx = conn.transaction().expect("tx");
    for m in MIGRATIONS.iter().filter(|m| m.version <= 5) {
        tx.execute_batch(m.sql).expect("apply");
        tx.execute(
            "INSERT INTO schema_migrations VALUES (?1, ?2, ?3, 0)",
            rusqlite::params![m.version, m.name, m.checksum()],
        )
        .expect("record");
    }
    let mut ids = Vec::new();
    for i in 0..n {
        let q = commit_salted(i, 5, Outcome::Rejected).decision.quote;
        tx.execute(
            "INSERT INTO decisions (quote_id, symbol, source, price, bid, ask, volume, \
               observed_at_ms, script_hash, evidence_hash, proposer, outcome, decided_at_ms) \
             VALUES (?1, ?2, ?3, ?4, ?9, ?10, ?11, ?5, ?6, ?7, ?8, ?12, ?5)",
            rusqlite::params![
                &q.id().0[..],
                q.symbol.as_str(),
                q.source,
                q.price.to_string(),
                q.observed_at_ms,
                &q.script_hash.0[..],
                &q.evidence_hash.0[..],
                &q.proposer.0[..],
                q.bid.map(|d| d.to_string()),
                q.ask.map(|d| d.to_string()),
                q.volume.map(|d| d.to_string()),
                if i % 3 == 0 { 3 } else { 2 },
            ],
        )
        .expect("insert");
        ids.push(q.id());
    }
    // As the V5 commit path kept them.
    tx.execute_batch(
        "UPDATE decision_totals SET count = \
         (SELECT count(*) FROM decisions WHERE outcome = decision_totals.outcome)",
    )
    .expect("totals");
    tx.commit().expect("commit");
    ids
}

#[tokio::test]
async fn a_v5_database_keeps_finding_its_decisions_by_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("node.db");
    let ids = v5_database(&path, 300);
    let store = SqliteStore::open_with(&path, SMALL)
        .await
        .expect("migrates");
    let shape = index_shape(&path);
    assert_eq!(
        (shape.runs, shape.largest_settled, shape.missing, shape.tail),
        (1, 300, 0, 0)
    );
    assert_all_found(&store, &ids, &HashSet::new()).await;
    // V7 put every decision it held in the symbol index.
    let conn = rusqlite::Connection::open(&path).expect("open directly");
    let (entries, indexed_seq): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM decision_symbols), \
               (SELECT indexed_seq FROM decision_symbol_tail) - (SELECT MAX(seq) FROM decisions)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("symbol index");
    assert_eq!((entries, indexed_seq), (300, 0));
    let btc = mdn_store::DecisionQuery {
        symbol: Some(mdn_store::contract::fixtures::symbol("BTC/USD")),
        limit: 1000,
        ..mdn_store::DecisionQuery::default()
    };
    assert_eq!(
        store.list_decisions(&btc).await.expect("list").items.len(),
        100
    );
    // The rebuilt table still refuses a second row for a stored quote, and upgrades the
    // expired ones it held before V6.
    let again: Vec<_> = (0..300)
        .map(|i| {
            let outcome = if i % 3 == 0 {
                Outcome::Validated
            } else {
                Outcome::Rejected
            };
            commit_salted(i, 5, outcome)
        })
        .collect();
    let report = store.commit(&again).await.expect("commit");
    assert_eq!(
        (report.inserted, report.upgraded, report.unchanged),
        (0, 100, 200)
    );
    let upgraded: HashSet<QuoteId> = ids.iter().step_by(3).copied().collect();
    assert_all_found(&store, &ids, &upgraded).await;
}
