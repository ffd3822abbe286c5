//! The tally actor: counts verified votes per quote with the pure [`mdn_consensus::Tally`], keeps
//! the proposed quotes so decisions can be stored, turns decisions into store commits with their
//! certificates and score effects, and records equivocation evidence. Expiry runs on a timer.

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use mdn_consensus::{Decided, Evidence, Tally, VoteOutcome};
use mdn_protocol::{
    BatchVote, Decision, Encode, FastMap, Outcome, PublicKey, Quote, QuoteId, Verdict,
};
use mdn_reputation::DecisionInfo;
use mdn_store::{DecisionCommit, ScoreEffect, Store};

use crate::clock::now_ms;
use crate::events::{Counters, Telemetry};
use crate::messages::{CommitDecisions, PendingCommit, Proposed, VerifiedVotes};
use crate::reputation::ReputationInput;

/// How often expiry runs and decisions are handed to the store writer.
const TICK: Duration = Duration::from_millis(50);
/// How long a decision whose quote has not arrived is kept.
const PARK_MS: i64 = 60_000;

/// Counts votes into decisions.
pub struct TallyActor {
    /// Accept votes are counted as references into their shared, verified batches: a validated
    /// decision is committed with them, and the store keeps each batch once instead of a copy of
    /// its header and an audit path per quote.
    tally: Tally<BatchVote>,
    quotes: FastMap<QuoteId, (Quote, i64)>,
    parked: FastMap<QuoteId, Decided<BatchVote>>,
    outbox: Vec<PendingCommit>,
    writer: Recipient<CommitDecisions>,
    store: Arc<dyn Store>,
    telemetry: Telemetry,
    reputation: Option<Recipient<ReputationInput>>,
    decided_out: Vec<DecisionInfo>,
    late_out: Vec<(QuoteId, PublicKey, Verdict)>,
}

impl TallyActor {
    /// A tally actor around `tally`, committing through `writer`.
    pub fn new(
        tally: Tally<BatchVote>,
        writer: Recipient<CommitDecisions>,
        store: Arc<dyn Store>,
        telemetry: Telemetry,
    ) -> Self {
        Self {
            tally,
            quotes: FastMap::default(),
            parked: FastMap::default(),
            outbox: Vec::new(),
            writer,
            store,
            telemetry,
            reputation: None,
            decided_out: Vec::new(),
            late_out: Vec::new(),
        }
    }

    /// Also tells the reputation actor about decisions, late votes and equivocations.
    pub fn with_reputation(mut self, reputation: Recipient<ReputationInput>) -> Self {
        self.reputation = Some(reputation);
        self
    }

    fn finalize(&mut self, decided: Decided<BatchVote>) {
        let Some((quote, proposed_at_ms)) = self.quotes.remove(&decided.quote_id) else {
            if decided.outcome == Outcome::Validated {
                self.parked.insert(decided.quote_id, decided);
            }
            return;
        };
        if decided.outcome != Outcome::Expired {
            let stages = &self.telemetry.counters.stages;
            stages
                .decided
                .record(decided.decided_at_ms - proposed_at_ms);
        }
        // A validated decision's certificate is its accept votes, by reference.
        let decision = Decision {
            quote,
            outcome: decided.outcome,
            decided_at_ms: decided.decided_at_ms,
            certificate: None,
        };
        let effects = effects_of(&decision, &decided.votes);
        if self.reputation.is_some() {
            let q = &decision.quote;
            self.decided_out.push(DecisionInfo {
                quote_id: decided.quote_id,
                outcome: decision.outcome,
                source: q.source.clone(),
                symbol: q.symbol.clone(),
                price: q.price,
                observed_at_ms: q.observed_at_ms,
                proposer: q.proposer,
                decided_at_ms: decision.decided_at_ms,
                votes: decided.votes,
            });
        }
        let accepts = decided.accepts.unwrap_or_default();
        self.outbox.push(PendingCommit {
            commit: DecisionCommit::counted(decided.quote_id, decision, effects, accepts),
            proposed_at_ms,
        });
    }

    fn on_equivocation(&self, evidence: Evidence<BatchVote>) {
        Counters::add(&self.telemetry.counters.equivocations, 1);
        if let Some(reputation) = &self.reputation {
            let _ = reputation.try_send(ReputationInput::Equivocation(evidence.voter));
        }
        tracing::warn!(voter = %evidence.voter, quote = %evidence.quote_id, "equivocation");
        let record = mdn_store::Evidence {
            voter: evidence.voter,
            quote_id: evidence.quote_id,
            first: encode_vote(&evidence.first),
            second: encode_vote(&evidence.second),
            at_ms: now_ms(),
        };
        let store = self.store.clone();
        actix::spawn(async move {
            if let Err(err) = store.record_evidence(&record).await {
                tracing::error!(%err, "could not store equivocation evidence");
            }
        });
    }

    fn tick(&mut self) {
        let now = now_ms();
        for decided in self.tally.expire(now) {
            self.finalize(decided);
        }
        self.parked.retain(|_, d| now - d.decided_at_ms < PARK_MS);
        // Quotes that were never voted on expire too; drop their bodies with them.
        let horizon = now - PARK_MS;
        self.quotes.retain(|_, (_, at)| *at >= horizon);
        self.flush_reputation();
        self.send_decisions();
    }

    /// Hands the decisions reached so far to the store writer, as soon as they are reached (the
    /// writer batches them into transactions); if its mailbox is full, they wait for the next try.
    fn send_decisions(&mut self) {
        if self.outbox.is_empty() {
            return;
        }
        let items = std::mem::take(&mut self.outbox);
        if let Err(err) = self.writer.try_send(CommitDecisions { items }) {
            let (SendError::Full(CommitDecisions { items })
            | SendError::Closed(CommitDecisions { items })) = err;
            self.outbox = items;
        }
    }
}

impl TallyActor {
    /// Hands decisions and late votes to the reputation actor; drops them (logged) if its mailbox
    /// is full, so reputation can never slow down counting.
    fn flush_reputation(&mut self) {
        let Some(reputation) = &self.reputation else {
            return;
        };
        if !self.decided_out.is_empty() {
            let items = std::mem::take(&mut self.decided_out);
            if reputation
                .try_send(ReputationInput::Decided(items))
                .is_err()
            {
                tracing::warn!("reputation mailbox full: decisions not scored");
            }
        }
        if !self.late_out.is_empty() {
            let items = std::mem::take(&mut self.late_out);
            let _ = reputation.try_send(ReputationInput::LateVotes(items));
        }
    }
}

/// The score effects of a decision: source and proposer outcome counters, and for validated or
/// rejected quotes whether each voter agreed with the outcome (abstentions count for neither).
pub fn effects_of(decision: &Decision, votes: &[(PublicKey, Verdict)]) -> Vec<ScoreEffect> {
    let q = &decision.quote;
    let mut effects = vec![
        ScoreEffect::SourceOutcome {
            source: q.source.clone(),
            symbol: q.symbol.clone(),
            outcome: decision.outcome,
        },
        ScoreEffect::ProposerOutcome {
            proposer: q.proposer,
            outcome: decision.outcome,
        },
    ];
    let voters: Vec<(PublicKey, Verdict)> = if votes.is_empty() {
        // Synced decisions carry only their certificate's accept votes.
        decision
            .certificate
            .iter()
            .flat_map(|c| c.entries.iter().map(|e| (e.header.voter, Verdict::Accept)))
            .collect()
    } else {
        votes.to_vec()
    };
    if decision.outcome != Outcome::Expired {
        for (voter, verdict) in voters {
            let agreed = match verdict {
                Verdict::Accept => decision.outcome == Outcome::Validated,
                Verdict::Reject(_) => decision.outcome == Outcome::Rejected,
                Verdict::Abstain => continue,
            };
            effects.push(ScoreEffect::VoterAgreement { voter, agreed });
        }
    }
    effects
}

/// A vote as evidence keeps it: its verdict and, when proven, its standalone certificate entry.
fn encode_vote(vote: &mdn_consensus::CastVote<BatchVote>) -> Vec<u8> {
    let mut out = Vec::new();
    vote.verdict.encode(&mut out);
    if let Some(entry) = &vote.entry {
        entry.entry().encode(&mut out);
    }
    out
}

impl Actor for TallyActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(4096);
        ctx.run_interval(TICK, |this, _| this.tick());
    }
}

impl Handler<Proposed> for TallyActor {
    type Result = ();

    fn handle(&mut self, msg: Proposed, _ctx: &mut Self::Context) {
        let now = now_ms();
        for (id, quote) in msg.quotes {
            if let Some(decided) = self.parked.remove(&id) {
                self.quotes.insert(id, (quote, msg.proposed_at_ms));
                self.finalize(decided);
                continue;
            }
            if self.tally.outcome(&id).is_some() {
                continue;
            }
            self.tally.open(id, now);
            self.quotes.entry(id).or_insert((quote, msg.proposed_at_ms));
        }
        // Decisions whose votes came before their quote (parked) are reached here.
        self.send_decisions();
    }
}

impl Handler<VerifiedVotes> for TallyActor {
    type Result = ();

    fn handle(&mut self, msg: VerifiedVotes, _ctx: &mut Self::Context) {
        let now = now_ms();
        let batch = msg.batch();
        let voter = batch.header.voter;
        for (index, vote) in batch.votes.iter().enumerate() {
            // A vote on a decided quote (the fourth of four, usually) counts only as a late vote.
            if self.tally.outcome(&vote.quote_id).is_some() && self.tally.is_validator(&voter) {
                if self.reputation.is_some() {
                    self.late_out.push((vote.quote_id, voter, vote.verdict));
                }
                continue;
            }
            // An accept vote goes into the certificate: kept as a reference into the batch.
            let entry = (vote.verdict == Verdict::Accept)
                .then(|| BatchVote::new(batch.clone(), index))
                .flatten();
            match self
                .tally
                .add_vote(voter, vote.quote_id, vote.verdict, entry, now)
            {
                VoteOutcome::Decided(decided) => self.finalize(decided),
                VoteOutcome::Equivocation(evidence) => self.on_equivocation(*evidence),
                VoteOutcome::AlreadyDecided(_) if self.reputation.is_some() => {
                    self.late_out.push((vote.quote_id, voter, vote.verdict));
                }
                _ => {}
            }
        }
        self.send_decisions();
    }
}
