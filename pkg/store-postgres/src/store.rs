//! [`PgStore`]: the pool, connecting (with migrations), and the [`Store`] impl that routes every
//! method through the retry policy.

use std::collections::HashSet;

use async_trait::async_trait;
use deadpool_postgres::Pool;
use mdn_protocol::{Hash32, PublicKey, QuoteId, Symbol};
use mdn_store::plan::plan_batch;
use mdn_store::{
    CommitReport, DecisionCommit, DecisionCounts, DecisionQuery, Evidence, Page, PeerRecord,
    PeerStat, PricePoint, Result, ScriptRecord, SourceEvent, SourceScore, SourceStat, Store,
    StoredDecision, SymbolSummary,
};

use crate::pool::with_client;
use crate::{catalog, commit, migrate, pool, reads, records};

/// How to connect.
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// Maximum pooled connections.
    pub pool_size: usize,
    /// Apply pending migrations when connecting (otherwise only check nothing is missing).
    pub migrate: bool,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            pool_size: 8,
            migrate: true,
        }
    }
}

/// The PostgreSQL store. Cheap to clone (shares the pool).
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("pool", &self.pool.status())
            .finish()
    }
}

impl PgStore {
    /// Connects to `url` with default options, applying pending migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, PgOptions::default()).await
    }

    /// Connects to `url`; fails if the server is unreachable or its schema history does not
    /// match this binary's migrations.
    pub async fn connect_with(url: &str, options: PgOptions) -> Result<Self> {
        let mut client = migrate::connect(url).await?;
        if options.migrate {
            let report = migrate::run(&mut client).await?;
            for m in &report.applied {
                tracing::info!(version = m.version, name = %m.name, "applied migration");
            }
        }
        drop(client);
        let pool = pool::build(url, options.pool_size)?;
        let store = Self { pool };
        store.ping().await?;
        Ok(store)
    }
}

#[async_trait]
impl Store for PgStore {
    async fn ping(&self) -> Result<()> {
        with_client!(&self.pool, "pinging", |c| c
            .simple_query("SELECT 1")
            .await
            .map(|_| ())
            .map_err(Into::into))
    }

    async fn commit(&self, batch: &[DecisionCommit]) -> Result<CommitReport> {
        let plan = plan_batch(batch)?;
        if plan.rows.is_empty() {
            return Ok(CommitReport::default());
        }
        with_client!(&self.pool, "committing decisions", |c| commit::commit_once(
            c, &self.pool, &plan
        )
        .await)
    }

    async fn decision(&self, id: &QuoteId) -> Result<Option<StoredDecision>> {
        with_client!(&self.pool, "reading a decision", |c| reads::decision(c, id)
            .await)
    }

    async fn list_decisions(&self, query: &DecisionQuery) -> Result<Page<StoredDecision>> {
        with_client!(&self.pool, "listing decisions", |c| reads::list(c, query)
            .await)
    }

    async fn decisions_after(&self, after_seq: i64, limit: u32) -> Result<Vec<StoredDecision>> {
        with_client!(&self.pool, "reading decisions after a seq", |c| {
            reads::after(c, after_seq, limit).await
        })
    }

    async fn validated_ids_after(&self, after_seq: i64, limit: u32) -> Result<Vec<(i64, QuoteId)>> {
        with_client!(&self.pool, "reading validated ids after a seq", |c| {
            reads::ids_after(c, after_seq, limit).await
        })
    }

    async fn validated_ids(&self) -> Result<Vec<QuoteId>> {
        with_client!(&self.pool, "reading validated ids", |c| {
            reads::validated_ids(c).await
        })
    }

    async fn validated_among(&self, ids: &[QuoteId]) -> Result<HashSet<QuoteId>> {
        with_client!(&self.pool, "looking up validated ids", |c| {
            reads::validated_among(c, ids).await
        })
    }

    async fn decision_counts(&self) -> Result<DecisionCounts> {
        with_client!(&self.pool, "counting decisions", |c| reads::counts(c).await)
    }

    async fn symbols(&self) -> Result<Vec<SymbolSummary>> {
        with_client!(&self.pool, "summarising symbols", |c| reads::symbols(c)
            .await)
    }

    async fn record_source_events(&self, events: &[SourceEvent]) -> Result<()> {
        with_client!(&self.pool, "recording source events", |c| {
            records::record_events(c, events).await
        })
    }

    async fn source_events(&self, source: Option<&str>, limit: u32) -> Result<Vec<SourceEvent>> {
        with_client!(&self.pool, "reading source events", |c| {
            records::events(c, source, limit).await
        })
    }

    async fn put_source_scores(&self, scores: &[SourceScore]) -> Result<()> {
        with_client!(&self.pool, "storing source scores", |c| {
            records::put_scores(c, scores).await
        })
    }

    async fn source_scores(&self) -> Result<Vec<SourceScore>> {
        with_client!(&self.pool, "reading source scores", |c| records::scores(c)
            .await)
    }

    async fn source_score_history(
        &self,
        source: &str,
        symbol: Option<&str>,
        since_ms: i64,
    ) -> Result<Vec<SourceScore>> {
        with_client!(&self.pool, "reading score history", |c| {
            records::score_history(c, source, symbol, since_ms).await
        })
    }

    async fn source_stats(&self) -> Result<Vec<SourceStat>> {
        with_client!(&self.pool, "reading source stats", |c| {
            records::source_stats(c).await
        })
    }

    async fn put_peers(&self, peers: &[PeerRecord]) -> Result<()> {
        with_client!(&self.pool, "storing peers", |c| records::put_peers(
            c, peers
        )
        .await)
    }

    async fn peers(&self) -> Result<Vec<PeerRecord>> {
        with_client!(&self.pool, "reading peers", |c| records::peers(c).await)
    }

    async fn peer_stats(&self) -> Result<Vec<PeerStat>> {
        with_client!(&self.pool, "reading peer stats", |c| records::peer_stats(c)
            .await)
    }

    async fn record_evidence(&self, evidence: &Evidence) -> Result<bool> {
        with_client!(&self.pool, "recording evidence", |c| {
            records::record_evidence(c, evidence).await
        })
    }

    async fn evidence(&self, voter: Option<PublicKey>) -> Result<Vec<Evidence>> {
        with_client!(&self.pool, "reading evidence", |c| records::evidence(
            c, voter
        )
        .await)
    }

    async fn put_prices(&self, points: &[PricePoint]) -> Result<()> {
        with_client!(&self.pool, "storing prices", |c| catalog::put_prices(
            c, points
        )
        .await)
    }

    async fn prices(&self, symbol: &Symbol, since_ms: i64, limit: u32) -> Result<Vec<PricePoint>> {
        with_client!(&self.pool, "reading prices", |c| {
            catalog::prices(c, symbol, since_ms, limit).await
        })
    }

    async fn put_script(&self, script: &ScriptRecord) -> Result<bool> {
        with_client!(&self.pool, "storing a script", |c| catalog::put_script(
            c, script
        )
        .await)
    }

    async fn scripts(&self) -> Result<Vec<ScriptRecord>> {
        with_client!(&self.pool, "reading scripts", |c| catalog::scripts(c).await)
    }

    async fn script(&self, hash: &Hash32) -> Result<Option<ScriptRecord>> {
        with_client!(&self.pool, "reading a script", |c| catalog::script(c, hash)
            .await)
    }

    async fn set_script_trust(
        &self,
        hash: &Hash32,
        trusted: bool,
        by: &str,
        at_ms: i64,
    ) -> Result<bool> {
        with_client!(&self.pool, "changing script trust", |c| {
            catalog::set_trust(c, hash, trusted, by, at_ms).await
        })
    }

    async fn sync_cursor(&self, peer_id: &str) -> Result<i64> {
        with_client!(&self.pool, "reading a sync cursor", |c| {
            catalog::sync_cursor(c, peer_id).await
        })
    }

    async fn set_sync_cursor(&self, peer_id: &str, seq: i64) -> Result<()> {
        with_client!(&self.pool, "storing a sync cursor", |c| {
            catalog::set_sync_cursor(c, peer_id, seq).await
        })
    }
}
