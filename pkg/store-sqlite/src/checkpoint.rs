//! The WAL checkpointer: a second connection on its own thread that copies committed WAL pages into
//! the database file every [`INTERVAL`], so commits on the database thread never stop to do it
//! (the database thread's connection has `wal_autocheckpoint` off). Checkpoints are `PASSIVE`: they
//! never block the writer or readers, and once one has caught up, SQLite starts the WAL file over.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use rusqlite::Connection;

/// How often the WAL is checkpointed.
pub(crate) const INTERVAL: Duration = Duration::from_millis(200);

/// Starts the checkpointer for the database at `path`. It runs until `stop`'s sender is dropped
/// (when the database thread ends), then checkpoints once more and closes.
pub(crate) fn start(path: &Path, stop: Receiver<()>) -> std::io::Result<()> {
    let path: PathBuf = path.to_owned();
    std::thread::Builder::new()
        .name("mdn-sqlite-ckpt".to_owned())
        .spawn(move || {
            let conn = match Connection::open(&path) {
                Ok(conn) => conn,
                Err(e) => {
                    tracing::error!(path = %path.display(), %e, "WAL checkpointer cannot open the database; commits will checkpoint");
                    return;
                }
            };
            loop {
                let last = match stop.recv_timeout(INTERVAL) {
                    Err(RecvTimeoutError::Timeout) => false,
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => true,
                };
                if let Err(e) = checkpoint(&conn) {
                    tracing::warn!(path = %path.display(), %e, "WAL checkpoint failed; will retry");
                }
                if last {
                    return;
                }
            }
        })
        .map(drop)
}

/// One passive checkpoint; returns (WAL frames, frames copied to the database).
pub(crate) fn checkpoint(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok((r.get(1)?, r.get(2)?))
    })
}
