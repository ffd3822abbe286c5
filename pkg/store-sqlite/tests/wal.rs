//! The WAL stays bounded under a sustained stream of commits: far more is committed than the WAL
//! may hold (64 MiB), and nothing is lost.

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
