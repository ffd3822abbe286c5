//! The store contract suite on SQLite, each case on a fresh database file: once as a node opens it
//! (small cases keep every decision in the symbol index's tail and every score counter in the
//! effect journal) and once with the symbol index brought up to date after every commit (reads by
//! symbol go through the index) and the journal folded every second commit (reads add journaled
//! counters to folded ones).

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

mod symbols_indexed_at_once {
    use super::*;

    async fn fresh_store() -> (tempfile::TempDir, Arc<dyn Store>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(dir.path().join("node.db"))
            .await
            .expect("open")
            .with_symbol_tail_rows(1)
            .with_effect_fold_rows(2);
        (dir, Arc::new(store))
    }

    mdn_store::contract_tests!(fresh_store);
}
