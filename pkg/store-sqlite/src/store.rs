//! [`SqliteStore`]: the [`Store`] impl, sending every call to the database thread.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use mdn_protocol::{Hash32, PublicKey, QuoteId, Symbol};
use mdn_store::{
    CommitReport, DecisionCommit, DecisionCounts, DecisionQuery, Evidence, Page, PeerRecord,
    PeerStat, PricePoint, Result, ScriptRecord, SourceEvent, SourceScore, SourceStat, Store,
    StoredDecision, SymbolSummary,
};

use crate::effect_journal::Journal;
use crate::id_runs::IdIndexLimits;
use crate::worker::{Fail, Worker};
use crate::{catalog, commit, reads, records};

/// The embedded SQLite store. Cheap to clone (shares the database thread).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// Commits, migrations and other writes.
    worker: Worker,
    /// Reads, on a second connection, so they never wait behind a commit.
    reader: Worker,
    id_index: IdIndexLimits,
    symbol_tail_rows: i64,
    /// The writer's knowledge of the effect journal (used on the writer's thread only).
    journal: Arc<Mutex<Journal>>,
    effect_fold_rows: i64,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and applies pending migrations.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, IdIndexLimits::default()).await
    }

    /// [`SqliteStore::open`] with the quote-id index maintained as `id_index` says (tests use
    /// small limits to exercise merges and compactions).
    pub async fn open_with(path: impl AsRef<Path>, id_index: IdIndexLimits) -> Result<Self> {
        let worker = Worker::open(path.as_ref().to_path_buf()).await?;
        let reader = Worker::open_reader(path.as_ref().to_path_buf()).await?;
        Ok(Self {
            worker,
            reader,
            id_index,
            symbol_tail_rows: crate::symbol_index::DEFAULT_TAIL_ROWS,
            journal: Arc::default(),
            effect_fold_rows: crate::effect_journal::FOLD_ROWS,
        })
    }

    /// Runs `f` on the reading thread, in one read transaction (one snapshot, one WAL lock).
    async fn read<T, F>(&self, op: &'static str, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Connection) -> std::result::Result<T, Fail> + Send + 'static,
    {
        self.reader
            .call(op, move |c| reads::in_snapshot(c, f))
            .await
    }

    /// Appends recent decisions to the (symbol, time) index once `rows` of them are not indexed
    /// yet (default [`crate::DEFAULT_SYMBOL_TAIL_ROWS`]; tests use small values so that reads by
    /// symbol merge indexed entries with the tail).
    #[must_use]
    pub fn with_symbol_tail_rows(mut self, rows: i64) -> Self {
        self.symbol_tail_rows = rows;
        self
    }

    /// Folds the effect journal into the stats tables once `rows` commits wait in it (default
    /// 32; tests use small values so that reads add journaled counters to folded ones).
    #[must_use]
    pub fn with_effect_fold_rows(mut self, rows: i64) -> Self {
        self.effect_fold_rows = rows;
        self
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<()> {
        self.worker
            .call("pinging", |c| {
                Ok(c.query_row("SELECT 1", [], |_| Ok(()))?)
            })
            .await
    }

    async fn commit(&self, batch: &[DecisionCommit]) -> Result<CommitReport> {
        self.commit_shared(batch.into()).await
    }

    async fn commit_shared(&self, batch: Arc<[DecisionCommit]>) -> Result<CommitReport> {
        let (limits, symbol_tail_rows, fold_rows) =
            (self.id_index, self.symbol_tail_rows, self.effect_fold_rows);
        let journal = self.journal.clone();
        self.worker
            .call("committing decisions", move |c| {
                // Only this thread locks it, one commit at a time. After a panic mid-commit what
                // it knew may be wrong: it forgets, and reads the journal again.
                let mut journal = journal.lock().unwrap_or_else(|poisoned| {
                    let mut journal = poisoned.into_inner();
                    *journal = Journal::default();
                    journal
                });
                commit::commit(
                    c,
                    &batch,
                    &limits,
                    symbol_tail_rows,
                    &mut journal,
                    fold_rows,
                )
            })
            .await
    }

    async fn decision(&self, id: &QuoteId) -> Result<Option<StoredDecision>> {
        let id = *id;
        self.read("reading a decision", move |c| reads::decision(c, &id))
            .await
    }

    async fn list_decisions(&self, query: &DecisionQuery) -> Result<Page<StoredDecision>> {
        let query = query.clone();
        self.read("listing decisions", move |c| reads::list(c, &query))
            .await
    }

    async fn decisions_after(&self, after_seq: i64, limit: u32) -> Result<Vec<StoredDecision>> {
        self.read("reading decisions after a seq", move |c| {
            reads::after(c, after_seq, limit)
        })
        .await
    }

    async fn validated_ids_after(&self, after_seq: i64, limit: u32) -> Result<Vec<(i64, QuoteId)>> {
        self.read("reading validated ids after a seq", move |c| {
            reads::ids_after(c, after_seq, limit)
        })
        .await
    }

    async fn validated_ids(&self) -> Result<Vec<QuoteId>> {
        self.read("reading validated ids", reads::validated_ids)
            .await
    }

    async fn validated_among(&self, ids: &[QuoteId]) -> Result<HashSet<QuoteId>> {
        let ids = ids.to_vec();
        self.read("looking up validated ids", move |c| {
            reads::validated_among(c, &ids)
        })
        .await
    }

    async fn decision_counts(&self) -> Result<DecisionCounts> {
        self.read("counting decisions", reads::counts).await
    }

    async fn symbols(&self) -> Result<Vec<SymbolSummary>> {
        self.read("summarising symbols", reads::symbols).await
    }

    async fn record_source_events(&self, events: &[SourceEvent]) -> Result<()> {
        let events = events.to_vec();
        self.worker
            .call("recording source events", move |c| {
                records::record_events(c, &events)
            })
            .await
    }

    async fn source_events(&self, source: Option<&str>, limit: u32) -> Result<Vec<SourceEvent>> {
        let source = source.map(str::to_owned);
        self.read("reading source events", move |c| {
            records::events(c, source.as_deref(), limit)
        })
        .await
    }

    async fn put_source_scores(&self, scores: &[SourceScore]) -> Result<()> {
        let scores = scores.to_vec();
        self.worker
            .call("storing source scores", move |c| {
                records::put_scores(c, &scores)
            })
            .await
    }

    async fn source_scores(&self) -> Result<Vec<SourceScore>> {
        self.read("reading source scores", records::scores).await
    }

    async fn source_score_history(
        &self,
        source: &str,
        symbol: Option<&str>,
        since_ms: i64,
    ) -> Result<Vec<SourceScore>> {
        let source = source.to_owned();
        let symbol = symbol.map(str::to_owned);
        self.read("reading score history", move |c| {
            records::score_history(c, &source, symbol.as_deref(), since_ms)
        })
        .await
    }

    async fn source_stats(&self) -> Result<Vec<SourceStat>> {
        self.read("reading source stats", records::source_stats)
            .await
    }

    async fn put_peers(&self, peers: &[PeerRecord]) -> Result<()> {
        let peers = peers.to_vec();
        self.worker
            .call("storing peers", move |c| records::put_peers(c, &peers))
            .await
    }

    async fn peers(&self) -> Result<Vec<PeerRecord>> {
        self.read("reading peers", records::peers).await
    }

    async fn peer_stats(&self) -> Result<Vec<PeerStat>> {
        self.read("reading peer stats", records::peer_stats).await
    }

    async fn record_evidence(&self, evidence: &Evidence) -> Result<bool> {
        let evidence = evidence.clone();
        self.worker
            .call("recording evidence", move |c| {
                records::record_evidence(c, &evidence)
            })
            .await
    }

    async fn evidence(&self, voter: Option<PublicKey>) -> Result<Vec<Evidence>> {
        self.read("reading evidence", move |c| records::evidence(c, voter))
            .await
    }

    async fn put_prices(&self, points: &[PricePoint]) -> Result<()> {
        let points = points.to_vec();
        self.worker
            .call("storing prices", move |c| catalog::put_prices(c, &points))
            .await
    }

    async fn prices(&self, symbol: &Symbol, since_ms: i64, limit: u32) -> Result<Vec<PricePoint>> {
        let symbol = symbol.clone();
        self.read("reading prices", move |c| {
            catalog::prices(c, &symbol, since_ms, limit)
        })
        .await
    }

    async fn put_script(&self, script: &ScriptRecord) -> Result<bool> {
        let script = script.clone();
        self.worker
            .call("storing a script", move |c| catalog::put_script(c, &script))
            .await
    }

    async fn scripts(&self) -> Result<Vec<ScriptRecord>> {
        self.read("reading scripts", catalog::scripts).await
    }

    async fn script(&self, hash: &Hash32) -> Result<Option<ScriptRecord>> {
        let hash = *hash;
        self.read("reading a script", move |c| catalog::script(c, &hash))
            .await
    }

    async fn set_script_trust(
        &self,
        hash: &Hash32,
        trusted: bool,
        by: &str,
        at_ms: i64,
    ) -> Result<bool> {
        let (hash, by) = (*hash, by.to_owned());
        self.worker
            .call("changing script trust", move |c| {
                catalog::set_trust(c, &hash, trusted, &by, at_ms)
            })
            .await
    }

    async fn sync_cursor(&self, peer_id: &str) -> Result<i64> {
        let peer = peer_id.to_owned();
        self.read("reading a sync cursor", move |c| {
            catalog::sync_cursor(c, &peer)
        })
        .await
    }

    async fn set_sync_cursor(&self, peer_id: &str, seq: i64) -> Result<()> {
        let peer = peer_id.to_owned();
        self.worker
            .call("storing a sync cursor", move |c| {
                catalog::set_sync_cursor(c, &peer, seq)
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use mdn_protocol::Outcome;
    use mdn_store::Store;
    use mdn_store::contract::fixtures::commit;

    use super::SqliteStore;

    /// While the writing thread is held in a job, reads still answer, from the last commit.
    #[tokio::test]
    async fn reads_do_not_wait_for_the_writer() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(dir.path().join("node.db"))
            .await
            .expect("open");
        let batch: Vec<_> = (0..5).map(|i| commit(i, Outcome::Validated)).collect();
        store.commit(&batch).await.expect("commit");

        let (release, held) = std::sync::mpsc::channel::<()>();
        let (holding, writer_busy) = tokio::sync::oneshot::channel();
        let writer = store.worker.clone();
        let blocked = tokio::spawn(async move {
            writer
                .call("holding the writer", move |_| {
                    let _ = holding.send(());
                    let _ = held.recv();
                    Ok(())
                })
                .await
        });
        writer_busy.await.expect("the writer runs the job");
        // On the writer's thread this read would wait for the release below: a hang, not a
        // slow answer, so the timeout only turns a deadlock into a failure.
        let read = tokio::time::timeout(Duration::from_secs(60), async {
            let counts = store.decision_counts().await.expect("counts");
            let found = store
                .decision(&batch[3].decision.quote.id())
                .await
                .expect("read");
            (counts.validated, found.is_some())
        })
        .await
        .expect("reads answered while the writer was busy");
        assert_eq!(read, (5, true));
        release.send(()).expect("release the writer");
        blocked.await.expect("join").expect("the held job ends");
    }
}
