//! The WAL stays bounded under a sustained stream of commits: far more is committed than the WAL
//! may hold (64 MiB), and nothing is lost. A WAL the writer leaves alone is copied back by the
//! checkpoint thread.

use std::path::Path;

use mdn_protocol::Outcome;
use mdn_store::Store;
use mdn_store::contract::fixtures::commit_salted;
use mdn_store_sqlite::SqliteStore;

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

#[tokio::test]
async fn the_wal_stays_bounded_under_a_sustained_stream_of_commits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("node.db");
    let store = SqliteStore::open(&path).await.expect("open");
    let wal = dir.path().join("node.db-wal");
    let mut peak = 0;
    for chunk in 0..160u64 {
        let batch: Vec<_> = (chunk * 500..(chunk + 1) * 500)
            .map(|i| commit_salted(i, 9, Outcome::Validated))
            .collect();
        assert_eq!(store.commit(&batch).await.expect("commit").inserted, 500);
        peak = peak.max(file_len(&wal));
    }
    let database = file_len(&path);
    assert!(
        database > 64 << 20,
        "the stream wrote more than the WAL may hold ({database} bytes in the database file)"
    );
    assert!(peak <= 64 << 20, "the WAL grew to {peak} bytes");
    let counts = store.decision_counts().await.expect("counts");
    assert_eq!(counts.validated, 80_000, "nothing lost on the way");
}

#[tokio::test]
async fn the_checkpoint_thread_copies_back_what_the_writer_leaves_in_the_wal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("node.db");
    let store = SqliteStore::open(&path).await.expect("open");
    let empty = file_len(&path);
    // Enough pages to wake the checkpoint thread (1,000), far from the 8,192 at which the writer
    // checkpoints itself; then the writer stays idle.
    let batch: Vec<_> = (0..6_000)
        .map(|i| commit_salted(i, 11, Outcome::Validated))
        .collect();
    assert_eq!(store.commit(&batch).await.expect("commit").inserted, 6_000);
    let wal = file_len(&dir.path().join("node.db-wal"));
    assert!(wal > 1_000 * 4096, "the commit left {wal} bytes in the WAL");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while file_len(&path) < empty + (1_000 * 4096) {
        assert!(
            std::time::Instant::now() < deadline,
            "nothing copied back into the database file within 30 s ({} bytes, WAL {wal})",
            file_len(&path)
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let counts = store.decision_counts().await.expect("counts");
    assert_eq!(counts.validated, 6_000);
}
