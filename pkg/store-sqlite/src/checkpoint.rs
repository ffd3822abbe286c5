//! The WAL checkpointer: a second connection on its own thread that copies committed WAL pages into
//! the database file every [`INTERVAL`], so commits on the database thread never stop to do it
//! (the database thread's connection has `wal_autocheckpoint` off). Checkpoints are `PASSIVE`: they
//! never block the writer. Under a steady stream of commits a passive checkpoint never catches up
//! with the end of the WAL, and SQLite only starts the WAL over once one has, so when the WAL holds
//! more than [`MAX_WAL_FRAMES`] the checkpointer runs a `TRUNCATE` checkpoint: it waits for the
//! commit in progress, holds the next one back while it copies the rest, and empties the file.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use rusqlite::Connection;

/// How often the WAL is checkpointed.
pub(crate) const INTERVAL: Duration = Duration::from_millis(200);

/// WAL frames (pages of 4 KiB) above which the WAL is emptied with a blocking checkpoint.
pub(crate) const MAX_WAL_FRAMES: i64 = 8_192;

/// Starts the checkpointer for the database at `path`. It runs until `stop`'s sender is dropped
/// (when the database thread ends), then checkpoints once more and closes. An error means no
/// checkpointer runs (the caller then lets commits checkpoint).
pub(crate) fn start(path: &Path, stop: Receiver<()>) -> Result<(), String> {
    let path: PathBuf = path.to_owned();
    let conn = Connection::open(&path)
        .and_then(|c| c.busy_timeout(Duration::from_secs(10)).map(|()| c))
        .map_err(|e| format!("opening {}: {e}", path.display()))?;
    std::thread::Builder::new()
        .name("mdn-sqlite-ckpt".to_owned())
        .spawn(move || {
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
        .map_err(|e| format!("starting its thread: {e}"))
}

/// One passive checkpoint, then a truncating one when the WAL has grown past [`MAX_WAL_FRAMES`].
/// Returns the WAL's frames after it.
pub(crate) fn checkpoint(conn: &Connection) -> rusqlite::Result<i64> {
    let frames = run(conn, "PRAGMA wal_checkpoint(PASSIVE)")?;
    if frames <= MAX_WAL_FRAMES {
        return Ok(frames);
    }
    run(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
}

/// Runs a checkpoint pragma; returns the WAL's frames (`-1` when not in WAL mode).
fn run(conn: &Connection, pragma: &str) -> rusqlite::Result<i64> {
    conn.query_row(pragma, [], |r| r.get(1))
}
