//! The store writer under a store that has fallen behind: a real SQLite store whose write lock
//! another connection holds, so the writer's first transaction waits. What arrives meanwhile fills
//! its queue past the bound: expired decisions are dropped first and counted, and once the lock is
//! released every other decision is committed.

mod support;

use std::sync::Arc;

use actix::Actor;
use mdn_node::commit_queue::DEFAULT_BOUND;
use mdn_node::events::{Counters, Telemetry};
use mdn_node::messages::{CommitDecisions, PendingCommit};
use mdn_node::recent_ids::RecentIds;
use mdn_node::store_writer::StoreWriter;
use mdn_protocol::Outcome;
use mdn_store::Store;
use mdn_store::contract::fixtures::commit_salted;
use mdn_store_sqlite::SqliteStore;

fn pending(range: std::ops::Range<u64>, salt: u64, outcome: Outcome) -> CommitDecisions {
    CommitDecisions {
        items: range
            .map(|i| PendingCommit {
                commit: commit_salted(i, salt, outcome),
                proposed_at_ms: 0,
            })
            .collect(),
    }
}

#[test]
fn a_writer_behind_its_store_drops_expired_decisions_first_and_commits_the_rest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("node.db");
    actix::System::new().block_on(async move {
        let store = SqliteStore::open(&path).await.expect("open");
        let in_flight = pending(0..4_096, 1, Outcome::Validated);
        let expired = pending(0..2_000, 2, Outcome::Expired);
        let bound = u64::try_from(DEFAULT_BOUND).expect("bound");
        let validated = pending(0..bound, 3, Outcome::Validated);

        // Another connection takes the write lock: the writer's transaction waits for it.
        let lock = rusqlite::Connection::open(&path).expect("second connection");
        lock.execute_batch("BEGIN IMMEDIATE")
            .expect("take the write lock");

        let telemetry = Telemetry::new();
        let counters = telemetry.counters.clone();
        let writer = StoreWriter::new(
            Arc::new(store.clone()),
            telemetry,
            Arc::new(RecentIds::default()),
        )
        .start();
        // A full batch goes to the store at once (and waits on the lock); the rest queue up to
        // 2,000 over the bound, the expired ones last (so dropping the oldest would be wrong).
        writer.send(in_flight).await.expect("send");
        writer.send(validated).await.expect("send");
        writer.send(expired).await.expect("send");
        support::until("the queue to shed", || {
            Counters::get(&counters.store_shed) > 0
        })
        .await;
        assert_eq!(Counters::get(&counters.store_shed), 2_000);

        lock.execute_batch("ROLLBACK").expect("release the lock");
        let stored = 4_096 + bound;
        support::until("the rest to be committed", || {
            Counters::get(&counters.validated) == stored
        })
        .await;
        let counts = store.decision_counts().await.expect("counts");
        assert_eq!((counts.validated, counts.expired), (stored, 0));
        assert_eq!(Counters::get(&counters.store_shed), 2_000);
    });
}
