//! Crash safety: a child process committing decisions with effects is SIGKILLed mid-stream; every
//! stored decision must have its effects and no effect may exist without its decision, and a
//! restarted writer must continue cleanly.

use std::time::{Duration, Instant};

use mdn_store::contract::assert_effects_match;
use mdn_store::contract::fixtures::{commit_salted, outcome_for};
use mdn_store::{DecisionCommit, Store};
use mdn_store_postgres::PgStore;
use mdn_testkit::TestDb;
use mdn_testkit::process::{eventually, spawn_test_child};

/// Set in the child: the database URL to commit to.
const CHILD_URL: &str = "MDN_CRASH_CHILD_URL";

/// Batch `salt`: alternately small (UNNEST path) and large (COPY over two connections at once).
fn batch(salt: u64) -> Vec<DecisionCommit> {
    let size = if salt.is_multiple_of(2) { 100 } else { LARGE };
    (0..size)
        .map(|i| commit_salted(i, salt, outcome_for(i)))
        .collect()
}

/// Rows in a large batch: enough for a split commit.
const LARGE: u64 = 1_100;

/// The child: commits batches until killed (or, at the latest, after two minutes).
async fn commit_until_killed(url: &str) {
    let store = PgStore::connect(url).await.expect("child connects");
    let stop = Instant::now() + Duration::from_secs(120);
    let mut salt = 1;
    while Instant::now() < stop {
        store.commit(&batch(salt)).await.expect("child commits");
        salt += 1;
    }
}

async fn total(store: &dyn Store) -> u64 {
    let c = store.decision_counts().await.expect("counts");
    c.validated + c.rejected + c.expired
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_committer_leaves_consistent_state() {
    if let Ok(url) = std::env::var(CHILD_URL) {
        commit_until_killed(&url).await;
        return;
    }
    let db = TestDb::create().await;
    let store = PgStore::connect(db.url()).await.expect("connect");
    let mut child = spawn_test_child(
        "killed_committer_leaves_consistent_state",
        &[(CHILD_URL, db.url())],
    )
    .expect("spawn child");
    eventually(
        Duration::from_secs(90),
        "the child to commit 20,000 decisions",
        || async { total(&store).await >= 20_000 },
    )
    .await;
    child.kill().expect("SIGKILL the child");
    let status = child.wait().expect("reap the child");
    assert!(
        !status.success(),
        "the child was killed, not finished: {status:?}"
    );

    // The server may still be finishing the killed child's last transaction (a COMMIT sent just
    // before the kill still lands). A commit takes the same advisory lock, so it waits for that
    // transaction to end either way: after it, the state is quiescent. A restarted writer
    // re-committing the child's first batch changes nothing.
    let again = store.commit(&batch(1)).await.expect("recommit");
    assert_eq!((again.inserted, again.unchanged), (0, LARGE));
    assert_effects_match(&store).await;
    let after_kill = total(&store).await;

    // A new batch goes in whole.
    let fresh = store.commit(&batch(1_000_001)).await.expect("commit new");
    assert_eq!(fresh.inserted, LARGE);
    assert_eq!(total(&store).await, after_kill + LARGE);
    assert_effects_match(&store).await;
}
