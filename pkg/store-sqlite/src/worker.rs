//! The database threads: each owns a `rusqlite::Connection` and runs jobs sent over a bounded
//! channel, one at a time, replying over a oneshot. One thread writes (and migrates), one reads
//! (WAL mode lets it read the last commit while the writer writes); checkpoints use their own.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use mdn_store::StoreError;
use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use crate::checkpoint::Checkpointer;

/// Jobs waiting for the thread at most.
const QUEUE: usize = 64;

/// A failure inside a job: from SQLite, or already a store error.
#[derive(Debug)]
pub(crate) enum Fail {
    /// From rusqlite.
    Sql(rusqlite::Error),
    /// Anything else.
    Store(StoreError),
}

impl From<rusqlite::Error> for Fail {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sql(e)
    }
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// Handle to the database thread; the thread ends when every handle is dropped.
#[derive(Debug, Clone)]
pub(crate) struct Worker {
    jobs: mpsc::Sender<Job>,
}

impl Worker {
    /// Opens `path` on a new thread, configures it and applies migrations: the writer.
    pub(crate) async fn open(path: PathBuf) -> Result<Self, StoreError> {
        Self::start("mdn-sqlite", move || open_connection(&path)).await
    }

    /// Opens `path` (already migrated) for reading only, on a thread of its own: in WAL mode it
    /// reads the last committed state while the writer commits.
    pub(crate) async fn open_reader(path: PathBuf) -> Result<Self, StoreError> {
        Self::start("mdn-sqlite-read", move || open_reader(&path)).await
    }

    async fn start(
        name: &str,
        open: impl FnOnce() -> Result<Connection, StoreError> + Send + 'static,
    ) -> Result<Self, StoreError> {
        let (jobs, mut queue) = mpsc::channel::<Job>(QUEUE);
        let (ready_tx, ready_rx) = oneshot::channel();
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let mut conn = match open() {
                    Ok(conn) => {
                        let _ = ready_tx.send(Ok(()));
                        conn
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                while let Some(job) = queue.blocking_recv() {
                    job(&mut conn);
                }
            })
            .map_err(|e| StoreError::Unavailable {
                backend: "sqlite",
                message: format!("cannot start the database thread: {e}"),
            })?;
        ready_rx
            .await
            .map_err(|_| StoreError::Closed { backend: "sqlite" })??;
        Ok(Self { jobs })
    }

    /// Runs `f` on the database thread; `op` names it in errors.
    pub(crate) async fn call<T, F>(&self, op: &'static str, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, Fail> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let _ = tx.send(f(conn));
        });
        let closed = || StoreError::Closed { backend: "sqlite" };
        self.jobs.send(job).await.map_err(|_| closed())?;
        match rx.await.map_err(|_| closed())? {
            Ok(v) => Ok(v),
            Err(Fail::Store(e)) => Err(e),
            Err(Fail::Sql(e)) => Err(StoreError::backend(op, e)),
        }
    }
}

fn open_reader(path: &std::path::Path) -> Result<Connection, StoreError> {
    let unavailable = |e: rusqlite::Error| StoreError::Unavailable {
        backend: "sqlite",
        message: format!("{} (reader): {e}", path.display()),
    };
    let conn = Connection::open(path).map_err(unavailable)?;
    conn.set_prepared_statement_cache_capacity(128);
    conn.execute_batch(
        "PRAGMA query_only = ON; PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY; \
         PRAGMA cache_size = -32768;",
    )
    .map_err(unavailable)?;
    Ok(conn)
}

fn open_connection(path: &std::path::Path) -> Result<Connection, StoreError> {
    let unavailable = |e: rusqlite::Error| StoreError::Unavailable {
        backend: "sqlite",
        message: format!("{}: {e}", path.display()),
    };
    let mut conn = Connection::open(path).map_err(unavailable)?;
    conn.set_prepared_statement_cache_capacity(128);
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(unavailable)?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, path = %path.display(), "SQLite did not switch to WAL mode");
    }
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
         PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536; \
         PRAGMA journal_size_limit = 67108864;",
    )
    .map_err(unavailable)?;
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    for m in crate::migrate::run(&mut conn, now_ms)? {
        tracing::info!(
            version = m.version,
            name = m.name,
            "applied SQLite migration"
        );
    }
    hand_checkpoints_over(&mut conn, path).map_err(|message| StoreError::Unavailable {
        backend: "sqlite",
        message: format!("{}: {message}", path.display()),
    })?;
    Ok(conn)
}

/// Replaces SQLite's automatic checkpoints, which run inside the committing call, with the
/// checkpoint thread's.
fn hand_checkpoints_over(conn: &mut Connection, path: &std::path::Path) -> Result<(), String> {
    let checkpointer = Checkpointer::start(path)
        .map_err(|e| format!("cannot start the checkpoint thread: {e}"))?;
    conn.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, frames| {
        checkpointer.after_commit(wal, frames);
        Ok(())
    }))
    .map_err(|e| e.to_string())
}
