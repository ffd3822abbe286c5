//! The effect journal across a restart: counters journaled before the store is closed are read
//! back after it is opened again, and the first fold after that folds them too, so the stats read
//! the same as those of a store that folded after every commit. Includes an upgrade (expired to
//! validated) and a repeated commit that changes nothing. Also two writers on one file.

use mdn_protocol::Outcome;
use mdn_store::contract::fixtures::commit_salted;
use mdn_store::{DecisionCommit, Store};
use mdn_store_sqlite::SqliteStore;

fn batches() -> Vec<Vec<DecisionCommit>> {
    let mut out: Vec<Vec<DecisionCommit>> = (0..6u64)
        .map(|b| {
            (0..5u64)
                .map(|i| {
                    let outcome = match (b + i) % 3 {
                        0 => Outcome::Validated,
                        1 => Outcome::Rejected,
                        _ => Outcome::Expired,
                    };
                    commit_salted(b * 5 + i, 7, outcome)
                })
                .collect()
        })
        .collect();
    // Quote 2 of the first batch was expired: now validated (an upgrade), and batch 0 again.
    out.push(vec![commit_salted(2, 7, Outcome::Validated)]);
    out.push(out[0].clone());
    out
}

async fn stats(store: &SqliteStore) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}",
        store.source_stats().await.expect("source stats"),
        store.peer_stats().await.expect("peer stats"),
        store.symbols().await.expect("symbols"),
        store.decision_counts().await.expect("counts"),
    )
}

fn journal_rows(path: &std::path::Path) -> i64 {
    rusqlite::Connection::open(path)
        .expect("open")
        .query_row("SELECT count(*) FROM effect_journal", [], |r| r.get(0))
        .expect("count")
}

/// The stats of `batches` committed to a fresh store in `dir` that folds after every commit.
async fn folded_at_every_commit(dir: &std::path::Path, batches: &[Vec<DecisionCommit>]) -> String {
    let path = dir.join("every.db");
    let every = SqliteStore::open(&path)
        .await
        .expect("open")
        .with_effect_fold_rows(1);
    for b in batches {
        every.commit(b).await.expect("commit");
    }
    assert_eq!(
        journal_rows(&path),
        0,
        "nothing waits when every commit folds"
    );
    stats(&every).await
}

#[tokio::test]
async fn counters_journaled_before_a_restart_are_read_and_folded_after_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let batches = batches();

    let expected = folded_at_every_commit(dir.path(), &batches).await;

    let path = dir.path().join("restarted.db");
    let first = SqliteStore::open(&path)
        .await
        .expect("open")
        .with_effect_fold_rows(4);
    for b in &batches[..3] {
        first.commit(b).await.expect("commit");
    }
    assert_eq!(journal_rows(&path), 3, "three commits wait to be folded");
    drop(first);

    let second = SqliteStore::open(&path)
        .await
        .expect("reopen")
        .with_effect_fold_rows(4);
    second.commit(&batches[3]).await.expect("commit");
    assert_eq!(journal_rows(&path), 0, "the fourth commit folds all four");
    for b in &batches[4..] {
        second.commit(b).await.expect("commit");
    }
    assert!(journal_rows(&path) > 0, "later commits wait in the journal");
    assert_eq!(stats(&second).await, expected);
}

#[tokio::test]
async fn two_writers_on_one_file_lose_no_counters() {
    let dir = tempfile::tempdir().expect("temp dir");
    let batches = batches();
    let expected = folded_at_every_commit(dir.path(), &batches).await;

    // Two stores on one file (as two processes would be), committing in turn and folding at
    // different times: each fold must add up the other's rows too.
    let path = dir.path().join("shared.db");
    let a = SqliteStore::open(&path)
        .await
        .expect("open")
        .with_effect_fold_rows(2);
    let b = SqliteStore::open(&path)
        .await
        .expect("open")
        .with_effect_fold_rows(3);
    for (i, batch) in batches.iter().enumerate() {
        let writer = if i % 2 == 0 { &a } else { &b };
        writer.commit(batch).await.expect("commit");
    }
    assert_eq!(stats(&a).await, expected);
}
