//! [`TestDb`]: one fresh, uniquely named database per test, dropped when the value is dropped.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio_postgres::NoTls;

use crate::cluster::TestCluster;

/// The server used when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// `DATABASE_URL`, or [`DEFAULT_DATABASE_URL`].
pub fn database_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_owned())
}

/// The one throwaway cluster of this process, started on first need.
static FALLBACK: OnceLock<Result<TestCluster, String>> = OnceLock::new();

/// An admin URL of a server that answers: `url` if it does, else this process's throwaway
/// cluster (started on first need). Panics with the reason when neither is possible.
pub async fn server_url(url: &str) -> String {
    match tokio_postgres::connect(url, NoTls).await {
        Ok(_) => url.to_owned(),
        Err(first) => {
            let started = tokio::task::spawn_blocking(|| {
                match FALLBACK.get_or_init(|| TestCluster::start().map_err(|e| e.to_string())) {
                    Ok(cluster) => Ok(cluster.url()),
                    Err(e) => Err(e.clone()),
                }
            })
            .await;
            match started {
                Ok(Ok(fallback)) => fallback,
                Ok(Err(e)) => panic!(
                    "no PostgreSQL answers at {url} ({first}) and no throwaway cluster could be \
                     started: {e}"
                ),
                Err(join) => panic!("starting the throwaway cluster panicked: {join}"),
            }
        }
    }
}

/// A fresh database for one test; dropped (with its connections) when this value is dropped.
#[derive(Debug)]
pub struct TestDb {
    admin_url: String,
    name: String,
    url: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// Creates a database on `DATABASE_URL` (or the throwaway cluster when it does not answer).
    pub async fn create() -> Self {
        Self::create_on(&database_url()).await
    }

    /// Creates a database on the server of `url` (or the throwaway cluster when it does not
    /// answer). `url` must be a `postgres://` URL.
    pub async fn create_on(url: &str) -> Self {
        let admin_url = server_url(url).await;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "mdn_test_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let client = connect(&admin_url).await;
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap_or_else(|e| panic!("creating test database {name} on {admin_url}: {e}"));
        let url = with_database(&admin_url, &name);
        Self {
            admin_url,
            name,
            url,
        }
    }

    /// URL of the test database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Name of the test database.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// URL of the server's admin database (for `pg_terminate_backend` and the like).
    pub fn admin_url(&self) -> &str {
        &self.admin_url
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        // A thread with its own runtime works whether or not the caller is inside a runtime.
        let dropped = std::thread::spawn(move || -> Result<(), String> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let (client, connection) = tokio_postgres::connect(&admin_url, NoTls)
                    .await
                    .map_err(|e| e.to_string())?;
                tokio::spawn(connection);
                client.batch_execute(&sql).await.map_err(|e| e.to_string())
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("mdn-testkit: dropping test database {}: {e}", self.name),
            Err(_) => eprintln!("mdn-testkit: dropping test database {} panicked", self.name),
        }
    }
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"));
    tokio::spawn(connection);
    client
}

/// `url` with its database path replaced by `name` (query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_is_replaced_and_query_kept() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h:5432", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
