//! The reputation actor: a thin shell around the pure [`mdn_reputation::ReputationBook`]. It takes
//! decisions, late votes and equivocations from the tally, runs from the runner and verified
//! reports from the gossip bridge; every second it settles decisions and closes price intervals
//! (storing consensus prices and emitting `price.updated`), and every epoch it signs and gossips
//! its report, stores scores and feeds peer reputation into gossipsub as the application score.
//! The API reads the latest [`ReputationSnapshot`] without going through the mailbox.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use actix::prelude::*;
use mdn_network::{NetworkClient, TopicKind};
use mdn_protocol::{Encode, PublicKey, QuoteId, ReputationReport, SigningKey, Verdict};
use mdn_reputation::{DecisionInfo, PeerView, ReputationBook, RunInfo, SourceView};
use mdn_store::{PeerRecord, PricePoint, SourceScore, Store};

use crate::clock::now_ms;
use crate::events::{NodeEvent, PriceEvent, SourceScoreEvent, Telemetry};

/// How often decisions are settled and price intervals closed.
const TICK: Duration = Duration::from_secs(1);
/// Gossipsub application score of a peer with reputation `r`: `(r - 1) × APP_SCORE_SPAN`, so a
/// perfect peer adds nothing and a peer at 0 reaches the gossip threshold.
const APP_SCORE_SPAN: f64 = 10.0;

/// Something the reputation rules learn from.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub enum ReputationInput {
    /// Decided quotes with the votes counted before the decision.
    Decided(Vec<DecisionInfo>),
    /// Votes that arrived after their quote was decided.
    LateVotes(Vec<(QuoteId, PublicKey, Verdict)>),
    /// A validator equivocated.
    Equivocation(PublicKey),
    /// A run of one of this node's sources.
    Run(RunInfo),
    /// A report whose signature, network and reporter were checked.
    Report(Box<ReputationReport>),
    /// One of this node's sources entered or left shadow mode (or was added).
    Shadow {
        /// Source name.
        source: String,
        /// Whether it runs in shadow mode now.
        shadow: bool,
    },
}

/// What the API shows: the latest views.
#[derive(Debug, Clone, Default)]
pub struct ReputationSnapshot {
    /// Every source (and source and symbol) with local and network views.
    pub sources: Vec<SourceView>,
    /// Every validator's reputation.
    pub peers: Vec<PeerView>,
    /// When this snapshot was taken (ms).
    pub updated_at_ms: i64,
}

/// A shared handle on the latest snapshot.
#[derive(Debug, Clone, Default)]
pub struct ReputationHandle(Arc<RwLock<ReputationSnapshot>>);

impl ReputationHandle {
    /// The latest snapshot.
    pub fn get(&self) -> ReputationSnapshot {
        self.0.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// A check `(source, symbol) → quarantined now` over the latest snapshot (the source as a
    /// whole or on that symbol).
    pub fn quarantine_check(&self) -> impl Fn(&str, &str) -> bool + use<> {
        let quarantined: Vec<(String, Option<String>)> = self
            .get()
            .sources
            .into_iter()
            .filter(|v| v.quarantined)
            .map(|v| (v.key.0, v.key.1.map(|s| s.to_string())))
            .collect();
        move |source: &str, symbol: &str| {
            quarantined
                .iter()
                .any(|(s, sym)| s == source && sym.as_deref().is_none_or(|x| x == symbol))
        }
    }

    fn set(&self, snapshot: ReputationSnapshot) {
        if let Ok(mut s) = self.0.write() {
            *s = snapshot;
        }
    }
}

/// What the reputation actor needs besides its book.
pub struct ReputationLinks {
    /// This node's key, to sign reports.
    pub key: Arc<SigningKey>,
    /// Network id of reports.
    pub network_id: String,
    /// Whether this node is a validator (only validators' reports count).
    pub is_validator: bool,
    /// To gossip reports and set application scores.
    pub network: NetworkClient,
    /// To store scores and prices.
    pub store: Arc<dyn Store>,
    /// To emit `price.updated` and `source.score`.
    pub telemetry: Telemetry,
    /// Where the API reads views.
    pub handle: ReputationHandle,
    /// How often reports are made.
    pub epoch: Duration,
    /// Byzantine test mode: report itself perfect and every other peer and source worthless.
    pub lie_in_reports: bool,
}

/// Drives the reputation book.
pub struct ReputationActor {
    book: ReputationBook,
    links: ReputationLinks,
    epoch: u64,
}

impl ReputationActor {
    /// An actor around `book`.
    pub fn new(book: ReputationBook, links: ReputationLinks) -> Self {
        Self {
            book,
            links,
            // Epochs must increase across restarts: start from the clock.
            epoch: u64::try_from(now_ms()).unwrap_or_default(),
        }
    }

    fn tick(&mut self) {
        let now = now_ms();
        let out = self.book.tick(now);
        if !out.prices.is_empty() {
            let points: Vec<PricePoint> = out
                .prices
                .iter()
                .map(|(symbol, start, p)| PricePoint {
                    symbol: symbol.clone(),
                    interval_start_ms: *start,
                    price: p.price,
                    confidence: p.confidence,
                    sources: p.sources,
                })
                .collect();
            for point in &points {
                self.links
                    .telemetry
                    .emit(NodeEvent::PriceUpdated(PriceEvent {
                        symbol: point.symbol.clone(),
                        interval_start_ms: point.interval_start_ms,
                        price: point.price.to_string(),
                        confidence: point.confidence.to_string(),
                        sources: point.sources,
                    }));
            }
            let store = self.links.store.clone();
            actix::spawn(async move {
                if let Err(err) = store.put_prices(&points).await {
                    tracing::error!(%err, "could not store consensus prices");
                }
            });
        }
        for ((source, symbol), quarantined) in &out.quarantine_changes {
            let what = symbol.as_ref().map(ToString::to_string);
            if *quarantined {
                tracing::warn!(%source, symbol = ?what, "source quarantined");
            } else {
                tracing::info!(%source, symbol = ?what, "source back from quarantine");
            }
        }
        self.publish_snapshot(now, !out.quarantine_changes.is_empty());
    }

    fn publish_snapshot(&self, now: i64, announce: bool) {
        let snapshot = ReputationSnapshot {
            sources: self.book.source_views(),
            peers: self.book.peer_views(now),
            updated_at_ms: now,
        };
        if announce {
            for v in snapshot.sources.iter().filter(|v| v.key.1.is_none()) {
                self.emit_score(v);
            }
        }
        self.links.handle.set(snapshot);
    }

    fn emit_score(&self, v: &SourceView) {
        self.links
            .telemetry
            .emit(NodeEvent::SourceScore(SourceScoreEvent {
                source: v.key.0.clone(),
                score: v.local.or(v.network),
                network_score: v.network,
                quarantined: v.quarantined,
            }));
    }

    fn end_epoch(&mut self) {
        let now = now_ms();
        self.epoch = self
            .epoch
            .saturating_add(1)
            .max(u64::try_from(now).unwrap_or_default());
        if self.links.is_validator {
            let (mut peers, mut sources) = self.book.report_entries(now);
            if self.links.lie_in_reports {
                let me = self.book.me();
                for p in &mut peers {
                    p.score_bp = if p.peer == me { 10_000 } else { 0 };
                }
                for s in &mut sources {
                    s.score_bp = 0;
                }
            }
            let report = ReputationReport::sign(
                self.links.network_id.clone(),
                self.epoch,
                now,
                peers,
                sources,
                &self.links.key,
            );
            if let Err(err) = self.book.accept_report(&report) {
                tracing::debug!(%err, "own report not taken");
            }
            let network = self.links.network.clone();
            let bytes = report.encode_to_vec();
            actix::spawn(async move {
                if let Err(err) = network.publish(TopicKind::Reputation, bytes).await {
                    tracing::debug!(%err, "could not gossip the reputation report");
                }
            });
        }
        self.persist(now);
        self.publish_snapshot(now, true);
    }

    fn persist(&self, now: i64) {
        let scores: Vec<SourceScore> = self
            .book
            .source_views()
            .into_iter()
            .filter_map(|v| {
                let parts = v.parts?;
                Some(SourceScore {
                    source: v.key.0.clone(),
                    symbol: v.key.1.as_ref().map(ToString::to_string),
                    score: v.local?,
                    network_score: v.network,
                    acceptance: parts.acceptance,
                    deviation: parts.closeness,
                    staleness: parts.freshness,
                    reliability: parts.reliability,
                    quarantined: v.quarantined,
                    updated_at_ms: now,
                })
            })
            .collect();
        let peers = self.book.peer_views(now);
        let store = self.links.store.clone();
        let network = self.links.network.clone();
        actix::spawn(async move {
            if let Err(err) = store.put_source_scores(&scores).await {
                tracing::error!(%err, "could not store source scores");
            }
            let known = store.peers().await.unwrap_or_default();
            let connected = network.connected_peers().await.unwrap_or_default();
            let records: Vec<PeerRecord> = peers
                .iter()
                .map(|v| {
                    let mut r = known
                        .iter()
                        .find(|k| k.key == v.peer)
                        .cloned()
                        .unwrap_or_else(|| PeerRecord::new(v.peer));
                    r.reputation = v.local;
                    r.validator = true;
                    if r.peer_id.is_empty() {
                        r.peer_id = crate::api::peer_id_text(&v.peer);
                    }
                    if connected.iter().any(|c| c.to_string() == r.peer_id) {
                        r.last_seen_ms = now;
                    }
                    r
                })
                .collect();
            if let Err(err) = store.put_peers(&records).await {
                tracing::error!(%err, "could not store peer reputation");
            }
            for v in &peers {
                let Ok(peer) = mdn_identity::peer_id_of(&v.peer) else {
                    continue;
                };
                let score = (v.network.unwrap_or(v.local) - 1.0) * APP_SCORE_SPAN;
                let _ = network.set_application_score(peer, score).await;
            }
        });
    }
}

impl Actor for ReputationActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(4096);
        ctx.run_interval(TICK, |this, _| this.tick());
        let epoch = self.links.epoch;
        ctx.run_interval(epoch, |this, _| this.end_epoch());
        self.publish_snapshot(now_ms(), false);
    }
}

impl Handler<ReputationInput> for ReputationActor {
    type Result = ();

    fn handle(&mut self, msg: ReputationInput, _ctx: &mut Self::Context) {
        match msg {
            ReputationInput::Decided(infos) => {
                for info in infos {
                    self.book.record_decision(info);
                }
            }
            ReputationInput::LateVotes(votes) => {
                for (id, voter, verdict) in votes {
                    self.book.record_late_vote(&id, voter, verdict);
                }
            }
            ReputationInput::Equivocation(voter) => {
                self.book.record_equivocation(voter, now_ms());
            }
            ReputationInput::Run(run) => self.book.record_run(&run, now_ms()),
            ReputationInput::Shadow { source, shadow } => {
                self.book.track_source(&source, now_ms());
                self.book.set_shadow(&source, shadow);
            }
            ReputationInput::Report(report) => {
                if let Err(err) = self.book.accept_report(&report) {
                    tracing::debug!(%err, "reputation report not taken");
                }
            }
        }
    }
}
