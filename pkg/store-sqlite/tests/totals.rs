//! Migration V4 (`decision_totals`) on a database that already holds decisions.

use mdn_store::Store;
use mdn_store::contract::commit_ten_of_each_outcome;
use mdn_store_sqlite::SqliteStore;

/// Migration V4 fills `decision_totals` from the decisions already stored: a database whose V4 is
/// undone (table dropped, record removed) gets the same totals back when the store reopens it.
#[tokio::test]
async fn decision_totals_are_backfilled_from_existing_decisions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("node.db");
    let before = {
        let store = SqliteStore::open(&path).await.expect("open");
        commit_ten_of_each_outcome(&store).await
    };
    {
        let conn = rusqlite::Connection::open(&path).expect("open directly");
        conn.execute_batch(
            "DROP TABLE decision_totals; DELETE FROM schema_migrations WHERE version = 4;",
        )
        .expect("undo V4");
    }
    let store = SqliteStore::open(&path)
        .await
        .expect("reopen applies V4 again");
    assert_eq!(store.decision_counts().await.expect("counts"), before);
}
