//! Queries use the index they were written for. The batch id lookups use the primary key however
//! long the array and however large the table (with the array's length visible, the planner picks a
//! sequential scan of every decision); a list of all symbols reads its time window through the
//! BRIN index.

use std::time::{Duration, SystemTime};

use mdn_store::{DecisionCursor, DecisionQuery};
use mdn_store_postgres::lists::ListFilter;
use mdn_store_postgres::lookups::{STORED_AMONG, VALIDATED_AMONG};
use mdn_store_postgres::migrate;
use mdn_testkit::TestDb;
use tokio_postgres::NoTls;
use tokio_postgres::types::ToSql;

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

/// A migrated database whose decisions table holds [`ROWS`] rows observed at `observed_at` (SQL
/// over the row number `g`), vacuumed and analysed, and a client connected to it.
async fn filled(observed_at: &str) -> (TestDb, tokio_postgres::Client) {
    let db = TestDb::create().await;
    migrate(db.url()).await.expect("migrate");
    let (client, connection) = tokio_postgres::connect(db.url(), NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    let fill = format!(
        "INSERT INTO decisions (quote_id, symbol, source, price, observed_at, script_hash, \
           evidence_hash, proposer, outcome, decided_at) \
         SELECT sha256(int8send(g)), 'S' || (g % 500), 'binance', 1, {observed_at}, '\\x00', \
           '\\x00', '\\x00', 2, now() FROM generate_series(1::int8, $1::int8) g"
    );
    client.execute(&fill, &[&ROWS]).await.expect("fill");
    client
        .batch_execute("VACUUM ANALYZE decisions")
        .await
        .expect("vacuum");
    (db, client)
}

#[tokio::test]
async fn batch_id_lookups_use_the_primary_key() {
    let (_db, client) = filled("now()").await;
    for sql in [STORED_AMONG, VALIDATED_AMONG] {
        let plan = plan_of(&client, sql).await;
        assert!(plan.contains("decisions_pkey"), "{sql}: {plan}");
        assert!(!plan.contains("Seq Scan"), "{sql}: {plan}");
    }
}

/// A list of all symbols reads each time window through the BRIN index on observation time (there
/// is no B-tree on it), first page and later pages alike, instead of scanning every decision.
#[tokio::test]
async fn lists_of_all_symbols_read_their_window_through_the_brin_index() {
    // One decision per millisecond, stored in the order observed, as a running node's are.
    let (_db, client) = filled("to_timestamp(1700000000) + g * interval '1 millisecond'").await;
    let at =
        |ms: i64| SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_000 + ms as u64);
    let (newest, middle) = (at(ROWS), at(ROWS / 2));
    let first_page = DecisionQuery::default();
    let later_page = DecisionQuery {
        after: Some(DecisionCursor {
            observed_at_ms: 1_700_000_000_000 + ROWS / 2,
            seq: ROWS / 2,
        }),
        ..DecisionQuery::default()
    };
    let fetch = 51i64;
    let (newest_window, middle_window) = (
        newest - Duration::from_secs(1),
        middle - Duration::from_secs(1),
    );
    let middle_seq = ROWS / 2;
    let cases: [(&DecisionQuery, Vec<&(dyn ToSql + Sync)>); 2] = [
        (&first_page, vec![&newest_window, &fetch]),
        (
            &later_page,
            vec![&middle_window, &middle, &middle_seq, &fetch],
        ),
    ];
    for (query, params) in cases {
        let sql = ListFilter::new(query).sql(true);
        let rows = client
            .query(&format!("EXPLAIN {sql}"), &params)
            .await
            .expect("explain");
        let plan: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        let plan = plan.join("\n");
        assert!(plan.contains("decisions_observed_brin"), "{sql}: {plan}");
        assert!(!plan.contains("Seq Scan"), "{sql}: {plan}");
    }
}
