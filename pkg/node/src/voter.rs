//! The voter actor: keeps this node's own observations, judges every proposed quote with the
//! consensus policy, and gossips its verdicts as signed vote batches (one signature and a Merkle root
//! per batch). Quotes without a reference yet wait (bounded) until an own observation arrives or the
//! policy's wait limit passes. Proposed quotes are forwarded to the tally so decisions can be stored.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use mdn_consensus::{DuplicateCheck, DuplicateIndex, Judgement, ObservationBook, Policy};
use mdn_network::{NetworkClient, TopicKind};
use mdn_protocol::{
    Encode, FastMap, PublicKey, Quote, QuoteId, RejectReason, SigningKey, Verdict, Vote,
};

use crate::byzantine::{Byzantine, opposite};
use crate::clock::now_ms;
use crate::events::{Counters, Telemetry};
use crate::messages::{Collected, Proposed, VerifiedObservations, VerifiedVotes};

/// Most quotes waiting for an own reference; beyond it the oldest abstain.
const MAX_WAITING: usize = 50_000;
/// Old vote batches kept for a replaying (Byzantine) node.
const REPLAY_KEEP: usize = 256;
/// A replaying node re-sends batches older than this: past gossipsub's duplicate window, so they
/// reach the other nodes' replay checks.
const REPLAY_AGE_MS: i64 = 25_000;

/// Voter settings.
#[derive(Debug, Clone)]
pub struct VoterConfig {
    /// Network id.
    pub network_id: String,
    /// Largest vote batch.
    pub batch_max_votes: usize,
    /// Flush interval.
    pub batch_interval: Duration,
    /// Deliberate misbehaviour (devnet/test only).
    pub byzantine: Byzantine,
}

/// Judges quotes and signs votes.
pub struct Voter {
    config: VoterConfig,
    key: Arc<SigningKey>,
    policy: Policy,
    book: ObservationBook,
    duplicates: DuplicateIndex,
    network: NetworkClient,
    tally: Recipient<VerifiedVotes>,
    tally_quotes: Recipient<Proposed>,
    telemetry: Telemetry,
    byzantine: Byzantine,
    /// Quote ids already voted on (or waiting), with when first seen.
    seen: FastMap<QuoteId, i64>,
    seen_order: VecDeque<(i64, QuoteId)>,
    /// Quotes waiting for an own reference, with their proposal time if a peer proposed them.
    waiting: VecDeque<(QuoteId, Arc<Quote>, Option<i64>)>,
    outbox: Vec<Vote>,
    /// Proposal times of the peers' quotes whose votes are in `outbox` (stage latency).
    outbox_proposed: Vec<i64>,
    /// This node's key, to tell its own proposals from its peers'.
    own: PublicKey,
    seq: u64,
    sent: VecDeque<(i64, Vec<u8>)>,
}

/// What the voter is connected to.
pub struct VoterLinks {
    /// The network.
    pub network: NetworkClient,
    /// Own vote batches → tally.
    pub tally: Recipient<VerifiedVotes>,
    /// Proposed quotes → tally.
    pub tally_quotes: Recipient<Proposed>,
}

impl Voter {
    /// A voter signing with `key`.
    pub fn new(
        config: VoterConfig,
        key: Arc<SigningKey>,
        policy: Policy,
        book: ObservationBook,
        links: VoterLinks,
        telemetry: Telemetry,
    ) -> Self {
        let byzantine = config.byzantine.clone();
        let retention = policy.config().max_quote_age_ms.saturating_mul(2);
        let seq = u64::try_from(now_ms()).unwrap_or(0) * 1000;
        let own = PublicKey::from(&key.verifying_key());
        Self {
            config,
            key,
            policy,
            book,
            duplicates: DuplicateIndex::new(1_000_000, retention),
            network: links.network,
            tally: links.tally,
            tally_quotes: links.tally_quotes,
            telemetry,
            byzantine,
            seen: FastMap::default(),
            seen_order: VecDeque::new(),
            waiting: VecDeque::new(),
            outbox: Vec::new(),
            outbox_proposed: Vec::new(),
            own,
            seq,
            sent: VecDeque::new(),
        }
    }

    fn judge(&mut self, id: QuoteId, quote: &Arc<Quote>, now: i64) -> Option<Verdict> {
        match self.duplicates.check(quote, id, now) {
            DuplicateCheck::Duplicate { .. } => {
                return Some(Verdict::Reject(RejectReason::Duplicate));
            }
            DuplicateCheck::New | DuplicateCheck::Repeat => {}
        }
        match self.policy.judge(quote, now, &self.book) {
            Judgement::Vote(v) => Some(v),
            Judgement::Wait => None,
        }
    }

    fn cast(&mut self, quote_id: QuoteId, honest: Verdict, proposed_at_ms: Option<i64>) {
        let verdict = self.byzantine.tamper_verdict(honest);
        self.outbox.push(Vote { quote_id, verdict });
        self.outbox_proposed.extend(proposed_at_ms);
        if self.outbox.len() >= self.config.batch_max_votes {
            self.flush();
        }
    }

    fn retry_waiting(&mut self) {
        let now = now_ms();
        let waiting = std::mem::take(&mut self.waiting);
        for (id, quote, proposed_at) in waiting {
            match self.policy.judge(&quote, now, &self.book) {
                Judgement::Vote(v) => self.cast(id, v, proposed_at),
                Judgement::Wait => self.waiting.push_back((id, quote, proposed_at)),
            }
        }
    }

    fn forget_old(&mut self) {
        let horizon = now_ms() - self.policy.config().max_quote_age_ms.saturating_mul(2);
        while let Some(&(at, id)) = self.seen_order.front() {
            if at >= horizon {
                break;
            }
            self.seen_order.pop_front();
            self.seen.remove(&id);
        }
        self.book.prune(now_ms());
        self.duplicates.prune(now_ms());
    }

    fn flush(&mut self) {
        let now = now_ms();
        for at in self.outbox_proposed.drain(..) {
            self.telemetry.counters.stages.voted.record(now - at);
        }
        while !self.outbox.is_empty() {
            let take = self.outbox.len().min(self.config.batch_max_votes);
            let votes: Vec<Vote> = self.outbox.drain(..take).collect();
            let extra = self.byzantine.equivocate.then(|| {
                votes
                    .iter()
                    .map(|v| Vote {
                        quote_id: v.quote_id,
                        verdict: opposite(v.verdict),
                    })
                    .collect()
            });
            self.publish(votes);
            if let Some(lies) = extra {
                self.publish(lies);
            }
        }
    }

    fn publish(&mut self, votes: Vec<Vote>) {
        self.seq += 1;
        let n = votes.len() as u64;
        let verified = match VerifiedVotes::build(
            self.config.network_id.clone(),
            self.seq,
            now_ms(),
            votes,
            &self.key,
        ) {
            Ok(built) => built,
            Err(err) => {
                tracing::error!(%err, "could not build vote batch");
                return;
            }
        };
        Counters::add(&self.telemetry.counters.votes_sent, n);
        let data = verified.batch().encode_to_vec();
        if self.byzantine.replay {
            self.sent.push_back((now_ms(), data.clone()));
            if self.sent.len() > REPLAY_KEEP {
                self.sent.pop_front();
            }
        }
        let network = self.network.clone();
        actix::spawn(async move {
            if let Err(err) = network.publish(TopicKind::Votes, data).await {
                tracing::debug!(%err, "publishing votes failed");
            }
        });
        if self.tally.try_send(verified).is_err() {
            tracing::warn!("tally saturated, own votes dropped");
        }
    }

    fn replay_old(&mut self) {
        let old_enough = self
            .sent
            .front()
            .is_some_and(|(at, _)| now_ms() - at > REPLAY_AGE_MS);
        if let Some((_, old)) = old_enough.then(|| self.sent.pop_front()).flatten() {
            let network = self.network.clone();
            actix::spawn(async move {
                let _ = network.publish(TopicKind::Votes, old).await;
            });
        }
    }
}

impl Actor for Voter {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(256);
        ctx.run_interval(self.config.batch_interval, |this, _| {
            this.retry_waiting();
            this.flush();
        });
        ctx.run_interval(Duration::from_secs(5), |this, _| this.forget_old());
        if self.byzantine.replay {
            ctx.run_interval(Duration::from_secs(2), |this, _| this.replay_old());
        }
    }
}

impl Handler<Collected> for Voter {
    type Result = ();

    fn handle(&mut self, msg: Collected, _ctx: &mut Self::Context) {
        for q in msg.quotes.iter() {
            if let Err(err) = self
                .book
                .record(&q.symbol, &msg.source, q.price, q.observed_at_ms)
            {
                tracing::debug!(%err, "own observation not recorded");
            }
        }
        self.retry_waiting();
    }
}

impl Handler<VerifiedObservations> for Voter {
    type Result = ();

    fn handle(&mut self, msg: VerifiedObservations, _ctx: &mut Self::Context) {
        let now = now_ms();
        let batch = msg.batch();
        let from_peer = (batch.proposer != self.own).then_some(batch.created_at_ms);
        let mut proposed = Vec::with_capacity(batch.quotes.len());
        for (quote, id) in msg.quotes() {
            proposed.push((id, quote.clone()));
            if self.seen.contains_key(&id) {
                continue;
            }
            self.seen.insert(id, now);
            self.seen_order.push_back((now, id));
            if let Some(at) = from_peer {
                self.telemetry.counters.stages.received.record(now - at);
            }
            let quote = Arc::new(quote.clone());
            match self.judge(id, &quote, now) {
                Some(v) => self.cast(id, v, from_peer),
                None if self.waiting.len() < MAX_WAITING => {
                    self.waiting.push_back((id, quote, from_peer));
                }
                None => self.cast(id, Verdict::Abstain, from_peer),
            }
        }
        let proposed = Proposed {
            quotes: proposed,
            proposed_at_ms: batch.created_at_ms,
        };
        if self.tally_quotes.try_send(proposed).is_err() {
            tracing::warn!("tally saturated, proposed quotes not forwarded");
        }
    }
}
