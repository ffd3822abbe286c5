//! Dropped connections: a store whose backends are terminated (pg_terminate_backend) retries on a
//! fresh connection, and a commit killed mid-transaction is retried without doubling its effects,
//! also when it is a split commit whose first half was already committed.

use std::time::Duration;

use mdn_store::contract::assert_effects_match;
use mdn_store::contract::fixtures::{commit_salted, effects_for, outcome_for};
use mdn_store::{DecisionCommit, Store};
use mdn_store_postgres::{PgOptions, PgStore};
use mdn_testkit::TestDb;
use mdn_testkit::process::eventually;
use tokio_postgres::{Client, NoTls};

fn batch(salt: u64, size: u64) -> Vec<DecisionCommit> {
    (0..size)
        .map(|i| commit_salted(i, salt, outcome_for(i)))
        .collect()
}

async fn connect(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    client
}

/// A connection inside a transaction that took a lock with `lock_sql` (ended by `COMMIT`).
async fn hold_lock(url: &str, lock_sql: &str) -> Client {
    let blocker = connect(url).await;
    blocker
        .batch_execute(&format!("BEGIN; {lock_sql}"))
        .await
        .expect("lock");
    blocker
}

async fn other_backends(monitor: &Client, waiting_on_lock: bool) -> Vec<i32> {
    let sql = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
               AND pid <> pg_backend_pid() AND backend_type = 'client backend' \
               AND ($1 = false OR wait_event_type = 'Lock')";
    let rows = monitor
        .query(sql, &[&waiting_on_lock])
        .await
        .expect("pg_stat_activity");
    rows.iter().map(|r| r.get(0)).collect()
}

async fn terminate(monitor: &Client, pid: i32) {
    let row = monitor
        .query_one("SELECT pg_terminate_backend($1)", &[&pid])
        .await
        .expect("terminate");
    assert!(row.get::<_, bool>(0), "backend {pid} was terminated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminated_connections_are_replaced() {
    let db = TestDb::create().await;
    let options = PgOptions {
        pool_size: 2,
        ..PgOptions::default()
    };
    let store = PgStore::connect_with(db.url(), options)
        .await
        .expect("connect");
    store.commit(&batch(1, 50)).await.expect("first commit");
    let monitor = connect(db.url()).await;
    let pids = other_backends(&monitor, false).await;
    assert!(!pids.is_empty(), "the pool holds a connection");
    for pid in pids {
        terminate(&monitor, pid).await;
    }
    eventually(
        Duration::from_secs(10),
        "terminated backends to exit",
        || async { other_backends(&monitor, false).await.is_empty() },
    )
    .await;
    let report = store
        .commit(&batch(2, 50))
        .await
        .expect("commit after termination");
    assert_eq!(report.inserted, 50);
    assert_eq!(store.decision_counts().await.expect("counts").validated, 60);
    assert_effects_match(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_killed_mid_transaction_is_retried_once() {
    let db = TestDb::create().await;
    let store = PgStore::connect(db.url()).await.expect("connect");
    store.commit(&batch(1, 20)).await.expect("first commit");

    // Hold a lock that the commit's effect upsert needs, so the commit stops mid-transaction.
    let blocker = hold_lock(db.url(), "LOCK TABLE source_stats IN SHARE MODE").await;
    let monitor = connect(db.url()).await;
    let committing = {
        let store = store.clone();
        tokio::spawn(async move { store.commit(&batch(2, 600)).await })
    };
    eventually(
        Duration::from_secs(20),
        "the commit to wait on the lock",
        || async { !other_backends(&monitor, true).await.is_empty() },
    )
    .await;
    let waiting = other_backends(&monitor, true).await;
    for pid in &waiting {
        terminate(&monitor, *pid).await;
    }
    blocker.batch_execute("COMMIT").await.expect("unlock");

    let report = committing.await.expect("task").expect("commit retried");
    assert_eq!(
        report.inserted, 600,
        "the killed attempt was rolled back and redone"
    );
    let counts = store.decision_counts().await.expect("counts");
    assert_eq!(counts.validated + counts.rejected + counts.expired, 620);
    assert_effects_match(&store).await;
    let again = store.commit(&batch(2, 600)).await.expect("recommit");
    assert_eq!(again.unchanged, 600);
}

/// A split commit (two connections) whose helper half committed and whose main half is killed:
/// the retry finds the first half stored, stores the rest, and no effect is doubled or lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn split_commit_killed_after_its_first_half_is_completed_by_the_retry() {
    let db = TestDb::create().await;
    let store = PgStore::connect(db.url()).await.expect("connect");
    // Only the second half of the big batch quotes this source: its counter row is touched by the
    // main half's effects alone.
    let only_second = |mut c: DecisionCommit| {
        c.decision.quote.source = "bitstamp".to_owned();
        c.quote_id = c.decision.quote.id();
        if let Some(cert) = c.decision.certificate.as_mut() {
            cert.quote_id = c.quote_id;
        }
        c.effects = effects_for(&c.decision);
        c
    };
    let first = batch(1, 6);
    store
        .commit(&first.into_iter().map(only_second).collect::<Vec<_>>())
        .await
        .expect("first commit");
    let big: Vec<DecisionCommit> = batch(2, 1_100)
        .into_iter()
        .enumerate()
        .map(|(i, c)| if i >= 550 { only_second(c) } else { c })
        .collect();

    // Hold the row lock the main half's effect upsert needs: the helper half commits, the main
    // half stops there.
    let blocker = hold_lock(
        db.url(),
        "SELECT * FROM source_stats WHERE source = 'bitstamp' FOR UPDATE",
    )
    .await;
    let monitor = connect(db.url()).await;
    let committing = {
        let store = store.clone();
        let big = big.clone();
        tokio::spawn(async move { store.commit(&big).await })
    };
    eventually(
        Duration::from_secs(20),
        "the main half to wait on the lock",
        || async { !other_backends(&monitor, true).await.is_empty() },
    )
    .await;
    let total = |c: mdn_store::DecisionCounts| c.validated + c.rejected + c.expired;
    let halfway = total(store.decision_counts().await.expect("counts"));
    assert_eq!(
        halfway,
        6 + 550,
        "the helper half is committed, the main half not"
    );
    for pid in &other_backends(&monitor, true).await {
        terminate(&monitor, *pid).await;
    }
    blocker.batch_execute("COMMIT").await.expect("unlock");

    let report = committing.await.expect("task").expect("commit retried");
    assert_eq!(
        (report.inserted, report.unchanged),
        (550, 550),
        "the retry stored the main half and found the helper's"
    );
    assert_eq!(
        total(store.decision_counts().await.expect("counts")),
        6 + 1_100
    );
    assert_effects_match(&store).await;
    let again = store.commit(&big).await.expect("recommit");
    assert_eq!(again.unchanged, 1_100);
}
