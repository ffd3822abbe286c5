//! The proposer actor: turns this node's collected quotes into signed observation batches. Quotes are
//! buffered and flushed when the batch is full or every `batch_interval_ms`, so one signature covers
//! many quotes. Each batch is gossiped and also handed to this node's own voter (gossip does not echo
//! a node's own messages).

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use mdn_network::{NetworkClient, TopicKind};
use mdn_protocol::{Encode, ObservationBatch, PublicKey, Quote, SigningKey};
use mdn_scripts::ScrapedQuote;

use crate::byzantine::Byzantine;
use crate::clock::now_ms;
use crate::events::{Counters, Telemetry};
use crate::messages::{Collected, VerifiedObservations};
use crate::newer_readings::NewerReadings;

/// (source, symbol) pairs whose latest proposed time is remembered.
const MAX_PAIRS: usize = 200_000;

/// Proposer settings.
#[derive(Debug, Clone)]
pub struct ProposerConfig {
    /// Network id stamped into every batch.
    pub network_id: String,
    /// Largest batch.
    pub batch_max_quotes: usize,
    /// Flush interval.
    pub batch_interval: Duration,
}

/// Batches, signs and gossips this node's quotes.
pub struct Proposer {
    config: ProposerConfig,
    key: Arc<SigningKey>,
    public: PublicKey,
    network: NetworkClient,
    voter: Recipient<VerifiedObservations>,
    telemetry: Telemetry,
    byzantine: Byzantine,
    buffer: Vec<Quote>,
    seq: u64,
    /// Only readings newer than the last proposed one of their (source, symbol) are proposed.
    newer: NewerReadings,
}

impl Proposer {
    /// A proposer signing with `key`.
    pub fn new(
        config: ProposerConfig,
        key: Arc<SigningKey>,
        network: NetworkClient,
        voter: Recipient<VerifiedObservations>,
        telemetry: Telemetry,
        byzantine: Byzantine,
    ) -> Self {
        let public = PublicKey::from(key.as_ref());
        // Sequence numbers start at the current time so a restarted node never reuses one.
        let seq = u64::try_from(now_ms()).unwrap_or(0) * 1000;
        Self {
            config,
            key,
            public,
            network,
            voter,
            telemetry,
            byzantine,
            buffer: Vec::new(),
            seq,
            newer: NewerReadings::new(MAX_PAIRS),
        }
    }

    fn to_quote(&self, source: &str, q: &ScrapedQuote) -> Quote {
        let mut quote = Quote {
            symbol: q.symbol.clone(),
            source: source.to_owned(),
            price: q.price,
            bid: q.bid,
            ask: q.ask,
            volume: q.volume,
            observed_at_ms: q.observed_at_ms,
            script_hash: q.script_hash,
            evidence_hash: q.evidence_hash,
            proposer: self.public,
        };
        self.byzantine.tamper_proposal(&mut quote);
        quote
    }

    fn flush(&mut self) {
        while !self.buffer.is_empty() {
            let take = self.buffer.len().min(self.config.batch_max_quotes);
            let quotes: Vec<Quote> = self.buffer.drain(..take).collect();
            self.seq += 1;
            let n = quotes.len() as u64;
            let batch = ObservationBatch::sign(
                self.config.network_id.clone(),
                self.seq,
                now_ms(),
                quotes,
                &self.key,
            );
            let data = batch.encode_to_vec();
            Counters::add(&self.telemetry.counters.proposed, n);
            let network = self.network.clone();
            actix::spawn(async move {
                if let Err(err) = network.publish(TopicKind::Observations, data).await {
                    tracing::debug!(%err, "publishing observations failed");
                }
            });
            if let Err(err) = self.voter.try_send(VerifiedObservations::new(batch)) {
                tracing::warn!(%err, "own voter saturated, own batch not voted on");
            }
        }
    }
}

impl Actor for Proposer {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(256);
        ctx.run_interval(self.config.batch_interval, |this, _| this.flush());
    }
}

impl Handler<Collected> for Proposer {
    type Result = ();

    fn handle(&mut self, msg: Collected, _ctx: &mut Self::Context) {
        let collected = msg.quotes.len();
        let mut quotes = Vec::with_capacity(collected);
        for q in msg.quotes.iter() {
            if self.newer.admit(&msg.source, &q.symbol, q.observed_at_ms) {
                quotes.push(self.to_quote(&msg.source, q));
            }
        }
        let not_newer = collected - quotes.len();
        if not_newer > 0 {
            Counters::add(&self.telemetry.counters.not_newer, not_newer as u64);
            tracing::debug!(source = %msg.source, not_newer, "readings no newer than those proposed");
        }
        self.buffer.extend(quotes);
        if self.buffer.len() >= self.config.batch_max_quotes {
            self.flush();
        }
    }
}
