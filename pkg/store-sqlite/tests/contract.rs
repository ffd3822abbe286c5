//! The store contract suite on SQLite, each case on a fresh database file.

use std::sync::Arc;

use mdn_store::Store;
use mdn_store_sqlite::SqliteStore;

async fn fresh_store() -> (tempfile::TempDir, Arc<dyn Store>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join("node.db"))
        .await
        .expect("open");
    (dir, Arc::new(store))
}

mdn_store::contract_tests!(fresh_store);
