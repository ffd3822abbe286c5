//! The tally actor: counts verified votes per quote with the pure [`mdn_consensus::Tally`], keeps
//! the proposed quotes so decisions can be stored, turns decisions into store commits with their
//! certificates and score effects, and records equivocation evidence. Expiry runs on a timer.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use mdn_consensus::{Decided, Evidence, Tally, VoteOutcome};
use mdn_protocol::{
    CertificateEntry, Decision, Encode, Hash32, Outcome, PublicKey, Quote, QuoteId, Verdict,
    VoteBatch,
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
/// How long a vote batch is kept after the tally's timeout, for the certificates cut from it.
const BATCH_GRACE_MS: i64 = 5_000;

/// Counts votes into decisions.
pub struct TallyActor {
    tally: Tally,
    quotes: HashMap<QuoteId, (Quote, i64)>,
    /// Recent vote batches with an accept vote, by (voter, Merkle root), with when they came: a
    /// validated decision is committed with the batches its certificate entries were cut from, so
    /// the store keeps each batch once instead of a copy of its header and a proof per quote.
    batches: HashMap<(PublicKey, Hash32), (Arc<VoteBatch>, i64)>,
    parked: HashMap<QuoteId, Decided>,
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
        tally: Tally,
        writer: Recipient<CommitDecisions>,
        store: Arc<dyn Store>,
        telemetry: Telemetry,
    ) -> Self {
        Self {
            tally,
            quotes: HashMap::new(),
            batches: HashMap::new(),
            parked: HashMap::new(),
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

    fn finalize(&mut self, decided: Decided) {
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
        let decision = Decision {
            quote,
            outcome: decided.outcome,
            decided_at_ms: decided.decided_at_ms,
            certificate: decided.certificate,
        };
        let effects = effects_of(&decision, &decided.votes);
        let batches = self.batches_of(&decision);
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
                votes: decided.votes.clone(),
            });
        }
        self.outbox.push(PendingCommit {
            commit: DecisionCommit {
                decision,
                effects,
                batches,
            },
            proposed_at_ms,
        });
    }

    /// The kept batches of a validated decision's certificate entries (empty if any is gone: the
    /// store then keeps the certificate in full).
    fn batches_of(&self, decision: &Decision) -> Vec<Arc<VoteBatch>> {
        let Some(certificate) = &decision.certificate else {
            return Vec::new();
        };
        certificate
            .entries
            .iter()
            .map(|e| {
                self.batches
                    .get(&(e.header.voter, e.header.merkle_root))
                    .map(|(batch, _)| batch.clone())
            })
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default()
    }

    fn on_equivocation(&self, evidence: Evidence) {
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
        let batch_horizon = now - self.tally.timeout_ms() - BATCH_GRACE_MS;
        self.batches.retain(|_, (_, at)| *at >= batch_horizon);
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

fn encode_vote(vote: &mdn_consensus::CastVote) -> Vec<u8> {
    let mut out = Vec::new();
    vote.verdict.encode(&mut out);
    if let Some(entry) = &vote.entry {
        entry.encode(&mut out);
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
        let (batch, proofs) = msg.into_parts();
        let voter = batch.header.voter;
        let any_accept = batch.votes.iter().any(|v| v.verdict == Verdict::Accept);
        if any_accept {
            self.batches
                .insert((voter, batch.header.merkle_root), (batch.clone(), now));
        }
        // One audit path per vote, in vote order (see `VerifiedVotes`).
        debug_assert_eq!(proofs.len(), batch.votes.len());
        for (vote, proof) in batch.votes.iter().zip(proofs) {
            // A vote on a decided quote (the fourth of four, usually) counts only as a late vote:
            // no certificate entry is built for it.
            if self.tally.outcome(&vote.quote_id).is_some() && self.tally.is_validator(&voter) {
                if self.reputation.is_some() {
                    self.late_out.push((vote.quote_id, voter, vote.verdict));
                }
                continue;
            }
            let entry = (vote.verdict == Verdict::Accept).then(|| CertificateEntry {
                header: batch.header.clone(),
                signature: batch.signature,
                proof,
            });
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
