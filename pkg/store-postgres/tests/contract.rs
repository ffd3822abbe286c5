//! The store contract suite on PostgreSQL, each case on its own fresh database.

use std::sync::Arc;

use mdn_store::Store;
use mdn_store_postgres::PgStore;
use mdn_testkit::TestDb;

async fn fresh_store() -> (TestDb, Arc<dyn Store>) {
    let db = TestDb::create().await;
    let store = PgStore::connect(db.url())
        .await
        .expect("connect to the test database");
    (db, Arc::new(store))
}

mdn_store::contract_tests!(fresh_store);
