//! The batch id lookups use the primary key however long the array and however large the table:
//! with the array's length visible, the planner picks a sequential scan of every decision.

use mdn_store_postgres::lookups::{STORED_AMONG, VALIDATED_AMONG};
use mdn_store_postgres::migrate;
use mdn_testkit::TestDb;
use tokio_postgres::NoTls;

/// Rows in the table and ids looked up: the proportions of a store writer's large batch against a
/// store that has run for a while.
const ROWS: i64 = 200_000;
const IDS: i64 = 10_000;

async fn plan_of(client: &tokio_postgres::Client, sql: &str) -> String {
    let explain = format!("EXPLAIN {sql}");
    let ids: Vec<Vec<u8>> = client
        .query(
            "SELECT sha256(int8send(g)) FROM generate_series($1::int8, $1::int8 + $2::int8 - 1) g",
            &[&(ROWS / 2), &IDS],
        )
        .await
        .expect("ids")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let rows = client.query(&explain, &[&ids]).await.expect("explain");
    rows.iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn batch_id_lookups_use_the_primary_key() {
    let db = TestDb::create().await;
    migrate(db.url()).await.expect("migrate");
    let (client, connection) = tokio_postgres::connect(db.url(), NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    client
        .execute(
            "INSERT INTO decisions (quote_id, symbol, source, price, observed_at, script_hash, \
               evidence_hash, proposer, outcome, decided_at) \
             SELECT sha256(int8send(g)), 'S' || (g % 500), 'binance', 1, now(), '\\x00', '\\x00', \
               '\\x00', 2, now() FROM generate_series(1::int8, $1::int8) g",
            &[&ROWS],
        )
        .await
        .expect("fill");
    client
        .batch_execute("ANALYZE decisions")
        .await
        .expect("analyze");
    for sql in [STORED_AMONG, VALIDATED_AMONG] {
        let plan = plan_of(&client, sql).await;
        assert!(plan.contains("decisions_pkey"), "{sql}: {plan}");
        assert!(!plan.contains("Seq Scan"), "{sql}: {plan}");
    }
}
