//! The typed messages between the node's actors. One message type per purpose; replies are typed.

use std::sync::Arc;

use actix::Message;
use mdn_protocol::{ObservationBatch, Quote, QuoteId, SignatureError, SigningKey, Vote, VoteBatch};
use mdn_scripts::ScrapedQuote;
use mdn_store::{DecisionCommit, SourceEvent};

use crate::sources::SourceSpec;

/// Scheduler → runner: run this source's script once now.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct RunSource {
    /// The source to run.
    pub source: Arc<SourceSpec>,
}

/// Runner → scheduler: the run of `source` ended (whatever its outcome).
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct RunFinished {
    /// Source name.
    pub source: String,
}

/// Operator → scheduler: pause or resume a source. Replies whether the source exists.
#[derive(Debug, Message)]
#[rtype(result = "bool")]
pub struct SetPaused {
    /// Source name.
    pub source: String,
    /// `true` pauses, `false` resumes.
    pub paused: bool,
}

/// Operator → scheduler: take a source out of shadow mode (`shadow: false`, "promote") or put it
/// in. Replies whether the source exists.
#[derive(Debug, Message)]
#[rtype(result = "bool")]
pub struct SetShadow {
    /// Source name.
    pub source: String,
    /// Whether its quotes stay out of the consensus price.
    pub shadow: bool,
}

/// A source's schedule state, for the API and tests.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceRunState {
    /// Source name.
    pub source: String,
    /// Cron schedule text.
    pub schedule: String,
    /// Paused by the operator.
    pub paused: bool,
    /// A run is in progress.
    pub running: bool,
    /// Runs started.
    pub runs: u64,
    /// Ticks skipped because the previous run was still going or the node fell behind.
    pub missed: u64,
    /// Runs in shadow mode (voted on and scored, never in the consensus price).
    pub shadow: bool,
    /// How long after each cron time this node runs the source (its splay offset).
    pub splay_offset_ms: i64,
    /// When the next run is due (ms since the epoch); `None` while paused or if the cron
    /// expression never fires again.
    pub next_run_at_ms: Option<i64>,
}

/// Asks the scheduler for every source's state.
#[derive(Debug, Message)]
#[rtype(result = "Vec<SourceRunState>")]
pub struct GetScheduleState;

/// Runner → proposer and voter: quotes this node collected from one source.
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct Collected {
    /// Source name.
    pub source: String,
    /// The validated output of the run.
    pub quotes: Arc<Vec<ScrapedQuote>>,
}

/// Gossip bridge or proposer → voter: an observation batch whose signature has been checked, with
/// the id of each of its quotes. Made only by [`VerifiedObservations::new`], so the ids are always
/// those of the quotes.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct VerifiedObservations {
    batch: Arc<ObservationBatch>,
    /// In quote order (computed where the batch is checked, off the actor threads for gossiped
    /// batches).
    ids: Vec<QuoteId>,
}

impl VerifiedObservations {
    /// A checked `batch` with its quote ids.
    pub fn new(batch: ObservationBatch) -> Self {
        let ids = batch.quotes.iter().map(Quote::id).collect();
        Self {
            batch: Arc::new(batch),
            ids,
        }
    }

    /// The batch.
    pub fn batch(&self) -> &Arc<ObservationBatch> {
        &self.batch
    }

    /// Each quote with its id, in order.
    pub fn quotes(&self) -> impl Iterator<Item = (&Quote, QuoteId)> {
        self.batch.quotes.iter().zip(self.ids.iter().copied())
    }
}

/// Voter → tally: quotes proposed in the network (with their ids), so decisions can be stored.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Proposed {
    /// The quotes with their ids.
    pub quotes: Vec<(QuoteId, Quote)>,
    /// When the proposer made the batch (ms).
    pub proposed_at_ms: i64,
}

/// Gossip bridge or voter → tally: a vote batch whose signature, root and count have been checked.
/// Made only by checking a received batch or building an own one. The tally keeps accept votes
/// as references into the shared batch ([`mdn_protocol::BatchVote`]); audit paths are computed
/// only when a certificate is shown.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct VerifiedVotes {
    batch: Arc<VoteBatch>,
}

impl VerifiedVotes {
    /// Checks a received batch's count, root and signature ([`VoteBatch::verify`]).
    pub fn check(batch: VoteBatch) -> Result<Self, SignatureError> {
        batch.verify()?;
        Ok(Self {
            batch: Arc::new(batch),
        })
    }

    /// Builds and signs an own batch ([`VoteBatch::build`]).
    pub fn build(
        network_id: String,
        seq: u64,
        created_at_ms: i64,
        votes: Vec<Vote>,
        key: &SigningKey,
    ) -> Result<Self, SignatureError> {
        let batch = VoteBatch::build(network_id, seq, created_at_ms, votes, key)?;
        Ok(Self {
            batch: Arc::new(batch),
        })
    }

    /// The batch.
    pub fn batch(&self) -> &Arc<VoteBatch> {
        &self.batch
    }
}

/// One decision on its way to the store.
#[derive(Debug, Clone)]
pub struct PendingCommit {
    /// The decision with its score effects.
    pub commit: DecisionCommit,
    /// When the quote was proposed (its batch's `created_at_ms`), for latency figures.
    pub proposed_at_ms: i64,
}

/// Tally or sync → store writer: decisions to commit.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct CommitDecisions {
    /// The decisions.
    pub items: Vec<PendingCommit>,
}

/// Runner → store writer: source run events to record.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct RecordSourceEvents {
    /// The events.
    pub events: Vec<SourceEvent>,
}
