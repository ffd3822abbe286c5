//! The harness against real PostgreSQL: per-test databases, and the throwaway-cluster fallback.

use std::time::Duration;

use mdn_testkit::{TestCluster, TestDb, server_url};
use tokio_postgres::NoTls;

async fn database_exists(admin_url: &str, name: &str) -> bool {
    let (client, connection) = tokio_postgres::connect(admin_url, NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    let row = client
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .await
        .expect("query");
    row.get::<_, i64>(0) == 1
}

#[tokio::test]
async fn test_db_is_created_and_dropped() {
    let db = TestDb::create().await;
    let (admin, name) = (db.admin_url().to_owned(), db.name().to_owned());
    assert!(database_exists(&admin, &name).await);
    let (client, connection) = tokio_postgres::connect(db.url(), NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    let row = client
        .query_one("SELECT current_database()", &[])
        .await
        .expect("query");
    assert_eq!(row.get::<_, String>(0), name);
    // Dropping works even with a connection still open (WITH FORCE).
    drop(db);
    assert!(!database_exists(&admin, &name).await);
}

#[test]
fn throwaway_cluster_starts_serves_and_stops() {
    let cluster = TestCluster::start().expect("start a throwaway cluster");
    let url = cluster.url();
    let port = cluster.port();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let db = TestDb::create_on(&url).await;
        assert!(db.url().contains(&format!(":{port}/")), "{}", db.url());
        let (client, connection) = tokio_postgres::connect(db.url(), NoTls)
            .await
            .expect("connect");
        tokio::spawn(connection);
        let row = client.query_one("SELECT 40 + 2", &[]).await.expect("query");
        assert_eq!(row.get::<_, i32>(0), 42);
    });
    drop(cluster);
    let refused = std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(1),
    );
    assert!(refused.is_err(), "the cluster is stopped on drop");
}

#[tokio::test]
async fn unreachable_url_falls_back_to_a_throwaway_cluster() {
    let closed = "postgres://postgres@127.0.0.1:1/postgres";
    let url = server_url(closed).await;
    assert_ne!(url, closed);
    let db = TestDb::create_on(closed).await;
    assert!(database_exists(db.admin_url(), db.name()).await);
}
