//! The repository trait every backend implements.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use mdn_protocol::{Hash32, PublicKey, QuoteId, Symbol};

use crate::decisions::{
    CommitReport, DecisionCommit, DecisionCounts, DecisionQuery, Page, StoredDecision,
    SymbolSummary,
};
use crate::error::Result;
use crate::records::{
    Evidence, PeerRecord, PeerStat, PricePoint, ScriptRecord, SourceEvent, SourceScore, SourceStat,
};

/// The node's persistent state. Object-safe: used as `Arc<dyn Store>`.
///
/// Every method is safe to retry: writes are idempotent or upserts.
#[async_trait]
pub trait Store: Send + Sync {
    /// Checks that the database answers (readiness).
    async fn ping(&self) -> Result<()>;

    // ---- decisions ----

    /// Stores a batch of decisions: each with its certificate and effects in one transaction, the
    /// batch in one transaction too, except that a backend may write a large batch as consecutive
    /// transactions in batch (seq) order (PostgreSQL copies halves over two connections). So an
    /// error or a crash can leave a leading part of the batch stored; committing the batch again
    /// completes it.
    ///
    /// A decision whose quote id is already stored changes nothing and its effects are not applied,
    /// except that a validated decision replaces a stored expired one (and then its effects apply).
    /// Rejected never becomes validated or back. Within one batch, later duplicates of a quote id
    /// collapse into the first, except that a validated one replaces an earlier expired one.
    async fn commit(&self, batch: &[DecisionCommit]) -> Result<CommitReport>;

    /// [`Store::commit`] for a caller that can share the batch: a backend that commits on a
    /// thread of its own takes it there as it is, where `commit` has to copy it.
    async fn commit_shared(&self, batch: Arc<[DecisionCommit]>) -> Result<CommitReport> {
        self.commit(&batch).await
    }

    /// One stored decision by quote id.
    async fn decision(&self, id: &QuoteId) -> Result<Option<StoredDecision>>;

    /// Decisions matching `query`, newest observed first (ties: highest seq first).
    async fn list_decisions(&self, query: &DecisionQuery) -> Result<Page<StoredDecision>>;

    /// Validated decisions with `seq > after_seq`, ascending by seq, at most `limit` (catch-up sync).
    async fn decisions_after(&self, after_seq: i64, limit: u32) -> Result<Vec<StoredDecision>>;

    /// `(seq, quote id)` of the validated decisions with `seq > after_seq`, ascending by seq, at
    /// most `limit`: the same rows as [`Store::decisions_after`], without reading them (sync asks
    /// for ids first and fetches a page in full only when some are missing).
    async fn validated_ids_after(&self, after_seq: i64, limit: u32) -> Result<Vec<(i64, QuoteId)>>;

    /// Ids of all validated decisions.
    async fn validated_ids(&self) -> Result<Vec<QuoteId>>;

    /// Which of `ids` are stored as validated (catch-up sync skips those before verifying).
    async fn validated_among(&self, ids: &[QuoteId]) -> Result<HashSet<QuoteId>>;

    /// Number of stored decisions per outcome.
    async fn decision_counts(&self) -> Result<DecisionCounts>;

    /// Per symbol: last validated price and time, number of sources; sorted by symbol.
    async fn symbols(&self) -> Result<Vec<SymbolSummary>>;

    // ---- source events ----

    /// Appends source run events.
    async fn record_source_events(&self, events: &[SourceEvent]) -> Result<()>;

    /// The newest `limit` events, of one source or of all; newest first.
    async fn source_events(&self, source: Option<&str>, limit: u32) -> Result<Vec<SourceEvent>>;

    // ---- scores and peers ----

    /// Sets sources' current scores and appends them to the history.
    async fn put_source_scores(&self, scores: &[SourceScore]) -> Result<()>;

    /// Current score of every source, sorted by source.
    async fn source_scores(&self) -> Result<Vec<SourceScore>>;

    /// Score history of one source since `since_ms`, oldest first.
    async fn source_score_history(
        &self,
        source: &str,
        symbol: Option<&str>,
        since_ms: i64,
    ) -> Result<Vec<SourceScore>>;

    /// Decision counters per source and symbol, sorted by source then symbol.
    async fn source_stats(&self) -> Result<Vec<SourceStat>>;

    /// Inserts or replaces peer records (keyed by public key).
    async fn put_peers(&self, peers: &[PeerRecord]) -> Result<()>;

    /// All peer records, sorted by key.
    async fn peers(&self) -> Result<Vec<PeerRecord>>;

    /// Decision counters per peer, sorted by key.
    async fn peer_stats(&self) -> Result<Vec<PeerStat>>;

    /// Stores equivocation evidence; `true` if it was new for (voter, quote id).
    async fn record_evidence(&self, evidence: &Evidence) -> Result<bool>;

    /// Stored evidence, of one voter or all; oldest first.
    async fn evidence(&self, voter: Option<PublicKey>) -> Result<Vec<Evidence>>;

    // ---- prices ----

    /// Inserts or replaces consensus prices (keyed by symbol and interval start).
    async fn put_prices(&self, points: &[PricePoint]) -> Result<()>;

    /// The newest `limit` prices of `symbol` with `interval_start_ms >= since_ms`, oldest first.
    async fn prices(&self, symbol: &Symbol, since_ms: i64, limit: u32) -> Result<Vec<PricePoint>>;

    // ---- scripts ----

    /// Inserts or replaces a script record; `true` if the hash was new.
    async fn put_script(&self, script: &ScriptRecord) -> Result<bool>;

    /// All scripts, sorted by name then version.
    async fn scripts(&self) -> Result<Vec<ScriptRecord>>;

    /// One script by hash.
    async fn script(&self, hash: &Hash32) -> Result<Option<ScriptRecord>>;

    /// Marks a script trusted or not; `false` if no script has this hash.
    async fn set_script_trust(
        &self,
        hash: &Hash32,
        trusted: bool,
        by: &str,
        at_ms: i64,
    ) -> Result<bool>;

    // ---- sync ----

    /// The last seq pulled from `peer_id` (0 if never).
    async fn sync_cursor(&self, peer_id: &str) -> Result<i64>;

    /// Records the last seq pulled from `peer_id`.
    async fn set_sync_cursor(&self, peer_id: &str, seq: i64) -> Result<()>;
}
