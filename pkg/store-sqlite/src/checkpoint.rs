//! The checkpointer: a second connection on its own thread that copies the WAL back into the
//! database file, so that commits do not wait for checkpoints.
//!
//! The database thread replaces SQLite's automatic checkpoints (which run inside the committing
//! call) with [`Checkpointer::after_commit`]: once a commit leaves [`WAKE_FRAMES`] pages in the
//! WAL it wakes this thread, whose passive checkpoint copies them while the writer goes on.
//! SQLite starts the WAL over only when a write transaction begins with every frame copied back,
//! which a writer that never pauses keeps missing (its next transaction starts while the
//! checkpoint still runs). So once a commit leaves [`WRITER_FRAMES`] pages, the writer waits for
//! the running checkpoint and copies the rest itself, between its transactions; its next
//! transaction then starts the WAL over. The WAL thus holds at most `WRITER_FRAMES` pages plus
//! one commit's.

use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;
use rusqlite::hooks::Wal;

/// WAL frames (pages) after a commit from which the checkpointer is woken (SQLite's own automatic
/// threshold).
const WAKE_FRAMES: i32 = 1_000;

/// WAL frames after a commit from which the writer checkpoints itself: 32 MiB of 4 KiB pages,
/// half the size the WAL file is cut back to.
const WRITER_FRAMES: i32 = 8_192;

/// The writer's side of the checkpointer; dropping it ends the checkpointer's thread.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    wake: SyncSender<()>,
    /// Held by whoever checkpoints, so the writer waits for the thread instead of getting
    /// SQLite's busy answer (which does not wait for another checkpoint).
    running: Arc<Mutex<()>>,
}

impl Checkpointer {
    /// Starts the checkpoint thread with its own connection to `path` (already migrated).
    pub(crate) fn start(path: &Path) -> std::io::Result<Self> {
        let (wake, wakes) = sync_channel(1);
        let running = Arc::new(Mutex::new(()));
        let thread_running = running.clone();
        let path = path.to_path_buf();
        std::thread::Builder::new()
            .name("mdn-sqlite-ckpt".to_owned())
            .spawn(move || match open(&path) {
                Ok(conn) => run(&conn, &wakes, &thread_running),
                Err(e) => tracing::error!(path = %path.display(), error = %e,
                    "the SQLite checkpoint thread cannot open the database; the writer checkpoints"),
            })?;
        Ok(Self { wake, running })
    }

    /// Called by SQLite's WAL hook after each commit that left `frames` pages in the WAL.
    pub(crate) fn after_commit(&self, wal: &mut Wal, frames: i32) {
        if frames >= WRITER_FRAMES {
            let _turn = self.running.lock().unwrap_or_else(PoisonError::into_inner);
            if let Err(e) = wal.checkpoint() {
                tracing::warn!(error = %e, frames, "SQLite checkpoint by the writer failed");
            }
        } else if frames >= WAKE_FRAMES {
            match self.wake.try_send(()) {
                // Full: a wake-up is pending and covers this commit too.
                Ok(()) | Err(TrySendError::Full(())) => {}
                // The thread could not open the database: checkpoint here, as SQLite would.
                Err(TrySendError::Disconnected(())) => {
                    if let Err(e) = wal.checkpoint() {
                        tracing::warn!(error = %e, "SQLite checkpoint failed");
                    }
                }
            }
        }
    }
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.execute_batch("PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;")?;
    Ok(conn)
}

fn run(conn: &Connection, wakes: &Receiver<()>, running: &Mutex<()>) {
    while wakes.recv().is_ok() {
        let _turn = running.lock().unwrap_or_else(PoisonError::into_inner);
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "SQLite checkpoint failed");
        }
    }
}
