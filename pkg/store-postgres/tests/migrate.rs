//! Migrations: applied once, and a database whose history is ahead of or differs from this
//! binary's is refused with a clear error.

use mdn_store::StoreError;
use mdn_store_postgres::{PgStore, embedded_migrations, migrate, migrate_to};
use mdn_testkit::TestDb;
use tokio_postgres::NoTls;

async fn execute(url: &str, sql: &str) {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    client.batch_execute(sql).await.expect("execute");
}

#[tokio::test]
async fn migrations_apply_once() {
    let db = TestDb::create().await;
    let first = migrate(db.url()).await.expect("migrate");
    assert_eq!(first.applied, embedded_migrations());
    assert_eq!(first.current, embedded_migrations());
    let second = migrate(db.url()).await.expect("migrate again");
    assert!(second.applied.is_empty());
    assert_eq!(second.current, embedded_migrations());
}

#[tokio::test]
async fn database_ahead_of_binary_is_refused() {
    let db = TestDb::create().await;
    migrate(db.url()).await.expect("migrate");
    execute(
        db.url(),
        "INSERT INTO refinery_schema_history VALUES (999, 'future', '2030-01-01T00:00:00Z', '1')",
    )
    .await;
    let err = PgStore::connect(db.url()).await.expect_err("refused");
    assert!(
        matches!(&err, StoreError::Migration { message } if message.contains("V999__future")),
        "{err}"
    );
}

#[tokio::test]
async fn divergent_history_is_refused() {
    let db = TestDb::create().await;
    migrate(db.url()).await.expect("migrate");
    execute(
        db.url(),
        "UPDATE refinery_schema_history SET checksum = '1' WHERE version = 1",
    )
    .await;
    let err = migrate(db.url()).await.expect_err("refused");
    assert!(
        matches!(&err, StoreError::Migration { message } if message.contains("differs")),
        "{err}"
    );
}

#[tokio::test]
async fn unreachable_server_is_reported() {
    let err = PgStore::connect("postgres://postgres@127.0.0.1:1/postgres")
        .await
        .expect_err("nothing listens on port 1");
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err}");
}

/// V4 fills `decision_totals` from the decisions already stored: a database at V3 holding
/// decisions of each outcome reports the same counts once the later migrations are applied.
#[tokio::test]
async fn decision_totals_are_backfilled_from_existing_decisions() {
    use mdn_store::{DecisionCounts, Store};

    let db = TestDb::create().await;
    migrate_to(db.url(), 3).await.expect("migrate to V3");
    // Outcome g % 3 + 1 for g in 1..=31: 11 rejected (g % 3 = 1), 10 expired, 10 validated.
    execute(
        db.url(),
        "INSERT INTO decisions (quote_id, symbol, source, price, observed_at, script_hash, \
           evidence_hash, proposer, outcome, decided_at, certificate) \
         SELECT sha256(int8send(g)), 'BTC-USD', 'binance', 1, now(), '\\x00', '\\x00', '\\x00', \
           g % 3 + 1, now(), CASE WHEN g % 3 = 0 THEN '\\x01'::bytea END \
         FROM generate_series(1::int8, 31::int8) g",
    )
    .await;
    let store = PgStore::connect(db.url())
        .await
        .expect("connecting applies V4 and later");
    assert_eq!(
        store.decision_counts().await.expect("counts"),
        DecisionCounts {
            validated: 10,
            rejected: 11,
            expired: 10,
        }
    );
}
