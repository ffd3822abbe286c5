//! WAL checkpoints happen beside commits: the writing connection never checkpoints
//! (`wal_autocheckpoint = 0`), yet committed pages reach the database file, copied by the
//! checkpointer thread, and the store keeps working while it does.

use std::path::Path;
use std::time::{Duration, Instant};

use mdn_protocol::Outcome;
use mdn_store::Store;
use mdn_store::contract::fixtures::commit_salted;
use mdn_store_sqlite::SqliteStore;

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

#[tokio::test]
async fn committed_pages_reach_the_database_file_through_the_checkpointer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("node.db");
    let store = SqliteStore::open(&path).await.expect("open");
    let before = file_len(&path);

    let batch: Vec<_> = (0..2_000)
        .map(|i| commit_salted(i, 7, Outcome::Validated))
        .collect();
    let report = store.commit(&batch).await.expect("commit");
    assert_eq!(report.inserted, 2_000);
    // ~2 MB of rows went to the WAL; the database file grows only when they are checkpointed.
    let wal = dir.path().join("node.db-wal");
    assert!(file_len(&wal) > 1_000_000, "the commit is in the WAL");

    let deadline = Instant::now() + Duration::from_secs(20);
    while file_len(&path) < before + 1_000_000 {
        assert!(
            Instant::now() < deadline,
            "the checkpointer did not copy the WAL into the database file: {} -> {} bytes",
            before,
            file_len(&path)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A second commit still works after the checkpoints, and nothing was lost.
    let more: Vec<_> = (2_000..2_100)
        .map(|i| commit_salted(i, 7, Outcome::Validated))
        .collect();
    assert_eq!(store.commit(&more).await.expect("commit").inserted, 100);
    assert_eq!(store.commit(&batch).await.expect("recommit").inserted, 0);
}

/// Under a steady stream of commits passive checkpoints never catch up with the end of the WAL;
/// the checkpointer then empties it with a truncating checkpoint, so the WAL file stays bounded.
#[tokio::test]
async fn the_wal_is_emptied_after_a_sustained_stream_of_commits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("node.db");
    let store = SqliteStore::open(&path).await.expect("open");
    let wal = dir.path().join("node.db-wal");
    let mut peak = 0;
    for chunk in 0..40u64 {
        let batch: Vec<_> = (chunk * 500..(chunk + 1) * 500)
            .map(|i| commit_salted(i, 9, Outcome::Validated))
            .collect();
        assert_eq!(store.commit(&batch).await.expect("commit").inserted, 500);
        peak = peak.max(file_len(&wal));
    }
    assert!(
        peak > 40 << 20,
        "the stream filled the WAL past the limit ({peak} bytes)"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while file_len(&wal) > 32 << 20 {
        assert!(
            Instant::now() < deadline,
            "the WAL stayed at {} bytes (peak {peak})",
            file_len(&wal)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let counts = store.decision_counts().await.expect("counts");
    assert_eq!(counts.validated, 20_000, "nothing lost on the way");
}
