//! The store writer actor: the only writer of decisions and source events. It gathers what the tally,
//! sync and runner send into batches (one transaction per batch: the store's commit is idempotent,
//! so a failed batch is simply retried), and announces decisions once they are durable.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use mdn_protocol::{Outcome, QuoteId};
use mdn_store::{DecisionCommit, SourceEvent, Store};

use crate::clock::now_ms;
use crate::commit_queue::{CommitQueue, DEFAULT_BOUND, Shed};
use crate::events::{Counters, NodeEvent, QuoteEvent, Telemetry};
use crate::messages::{CommitDecisions, PendingCommit, RecordSourceEvents};
use crate::recent_ids::RecentIds;

/// Largest number of decisions committed in one transaction.
const MAX_BATCH: usize = 4096;
/// How often buffered work is flushed. A transaction that took at least this long is followed at
/// once by the next (group commit); after a shorter one the writer waits for its next tick, so
/// small commits never come more often than this.
const FLUSH_EVERY: Duration = Duration::from_millis(20);
/// Wait before retrying a failed write.
const RETRY_AFTER: Duration = Duration::from_millis(500);
/// Shortest time between two warnings that decisions were shed.
const WARN_SHED_EVERY: Duration = Duration::from_secs(10);

/// Writes decisions and source events to the store.
pub struct StoreWriter {
    store: Arc<dyn Store>,
    telemetry: Telemetry,
    recent: Arc<RecentIds>,
    /// Decisions waiting, at most [`DEFAULT_BOUND`] (see [`crate::commit_queue`]).
    decisions: CommitQueue,
    events: Vec<SourceEvent>,
    busy: bool,
    /// When the running (or last) transaction started.
    started: Instant,
    /// Decisions shed since the last warning, and when that was.
    shed_unreported: Shed,
    warned_at: Option<Instant>,
}

impl StoreWriter {
    /// A writer over `store`; the ids of the validated decisions it commits go to `recent`.
    pub fn new(store: Arc<dyn Store>, telemetry: Telemetry, recent: Arc<RecentIds>) -> Self {
        Self {
            store,
            telemetry,
            recent,
            decisions: CommitQueue::new(DEFAULT_BOUND),
            events: Vec::new(),
            busy: false,
            started: Instant::now(),
            shed_unreported: Shed::default(),
            warned_at: None,
        }
    }

    /// Decisions waiting to be written (queue depth).
    pub fn queued(&self) -> usize {
        self.decisions.len()
    }

    fn flush(&mut self, ctx: &mut Context<Self>) {
        if self.busy || (self.decisions.is_empty() && self.events.is_empty()) {
            return;
        }
        self.busy = true;
        self.started = Instant::now();
        // The batch goes to the store as it is (no copy) and comes back for the announcement,
        // or for a retry.
        let (commits, proposed_at): (Vec<_>, Vec<_>) = self
            .decisions
            .take(MAX_BATCH)
            .map(|p| (p.commit, p.proposed_at_ms))
            .unzip();
        let commits: Arc<[DecisionCommit]> = commits.into();
        let events = std::mem::take(&mut self.events);
        let store = self.store.clone();
        let commit_time = self.telemetry.metrics.store_commit.clone();
        let fut = async move {
            let decided = if commits.is_empty() {
                Ok(())
            } else {
                let started = std::time::Instant::now();
                let done = store.commit_shared(commits.clone()).await.map(|_| ());
                commit_time.observe(started.elapsed().as_secs_f64());
                done
            };
            let recorded = if events.is_empty() {
                Ok(())
            } else {
                store.record_source_events(&events).await
            };
            let batch = Committed {
                commits,
                proposed_at,
            };
            (batch, events, decided, recorded)
        };
        ctx.spawn(fut.into_actor(self).map(|(batch, events, decided, recorded), this, ctx| {
            this.busy = false;
            this.report_queue();
            let mut retry = false;
            match decided {
                Ok(()) => this.announce(&batch),
                Err(err) => {
                    tracing::error!(%err, n = batch.proposed_at.len(), "commit failed, will retry");
                    let shed = this.decisions.retry(batch.into_pending());
                    this.count_shed(shed);
                    retry = true;
                }
            }
            if let Err(err) = recorded {
                tracing::error!(%err, n = events.len(), "recording source events failed, will retry");
                this.events.extend(events);
                retry = true;
            }
            if retry {
                ctx.run_later(RETRY_AFTER, |this, ctx| this.flush(ctx));
            } else if this.started.elapsed() >= FLUSH_EVERY {
                // Group commit: what arrived during this transaction goes in the next one now.
                this.flush(ctx);
            }
        }));
    }

    /// Counts decisions the full queue dropped, and warns (at most every [`WARN_SHED_EVERY`]).
    fn count_shed(&mut self, shed: Shed) {
        if shed.total() == 0 {
            return;
        }
        Counters::add(&self.telemetry.counters.store_shed, shed.total());
        self.shed_unreported.expired += shed.expired;
        self.shed_unreported.decided += shed.decided;
        if self
            .warned_at
            .is_some_and(|at| at.elapsed() < WARN_SHED_EVERY)
        {
            return;
        }
        let Shed { expired, decided } = std::mem::take(&mut self.shed_unreported);
        tracing::warn!(
            expired,
            decided,
            queued = self.decisions.len(),
            "the store falls behind: decisions dropped unstored (catch-up sync fetches the \
             validated ones from peers that stored them once it keeps up)"
        );
        self.warned_at = Some(Instant::now());
    }

    /// Publishes the queue depth (decisions buffered or being written).
    fn report_queue(&self) {
        let depth = i64::try_from(self.decisions.len()).unwrap_or(i64::MAX);
        self.telemetry.metrics.store_queue.set(depth);
    }

    /// Counts the committed decisions and their latency, remembers the validated ones' ids, and
    /// publishes an event per decision when someone listens.
    fn announce(&self, batch: &Committed) {
        let now = now_ms();
        let c = &self.telemetry.counters;
        let listened = self.telemetry.has_listeners();
        let mut validated = Vec::with_capacity(batch.commits.len());
        for (commit, &proposed_at_ms) in batch.commits.iter().zip(&batch.proposed_at) {
            let d = &commit.decision;
            let counter = match d.outcome {
                Outcome::Validated => &c.validated,
                Outcome::Rejected => &c.rejected,
                Outcome::Expired => &c.expired,
            };
            Counters::add(counter, 1);
            c.decision_latency.record(now - proposed_at_ms);
            if !listened && d.outcome != Outcome::Validated {
                continue;
            }
            let id: QuoteId = commit.quote_id;
            if d.outcome == Outcome::Validated {
                validated.push(id);
            }
            if listened {
                let event = QuoteEvent {
                    id,
                    symbol: d.quote.symbol.clone(),
                    source: d.quote.source.clone(),
                    price: d.quote.price.to_string(),
                    observed_at: crate::api::rfc3339(d.quote.observed_at_ms),
                    latency_ms: now - proposed_at_ms,
                };
                self.telemetry.emit(NodeEvent::quote(d.outcome, event));
            }
        }
        self.recent.remember(validated);
    }
}

/// A batch handed to the store: the decisions, shared with it, and when each was proposed.
struct Committed {
    commits: Arc<[DecisionCommit]>,
    proposed_at: Vec<i64>,
}

impl Committed {
    /// Back to queue items, for a retry (a copy, but only after a failure).
    fn into_pending(self) -> Vec<PendingCommit> {
        self.commits
            .iter()
            .cloned()
            .zip(self.proposed_at)
            .map(|(commit, proposed_at_ms)| PendingCommit {
                commit,
                proposed_at_ms,
            })
            .collect()
    }
}

impl Actor for StoreWriter {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(64);
        ctx.run_interval(FLUSH_EVERY, |this, ctx| this.flush(ctx));
    }
}

impl Handler<CommitDecisions> for StoreWriter {
    type Result = ();

    fn handle(&mut self, msg: CommitDecisions, ctx: &mut Self::Context) {
        let shed = self.decisions.push(msg.items);
        self.count_shed(shed);
        self.report_queue();
        if self.decisions.len() >= MAX_BATCH {
            self.flush(ctx);
        }
    }
}

impl Handler<RecordSourceEvents> for StoreWriter {
    type Result = ();

    fn handle(&mut self, msg: RecordSourceEvents, _ctx: &mut Self::Context) {
        self.events.extend(msg.events);
    }
}
