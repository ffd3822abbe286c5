//! The reputation state machine. The node's reputation actor feeds it decisions (with their votes),
//! late votes, equivocations, script runs and verified reports, and calls [`ReputationBook::tick`]
//! on a timer; everything here is deterministic in its inputs and the `now_ms` it is given.
//!
//! Who is scored by what:
//! - A **source** is scored by this node only from its own runs and its own proposals (the data it
//!   fetched itself), so a lying proposer cannot spoil an honest venue's score; other nodes' views
//!   arrive in their reports, and the network view is their median.
//! - A **peer** is scored from every decision: its proposals' outcomes, its votes' agreement with
//!   outcomes, whether it voted at all (late votes count, within `settle_ms`), and equivocations.
//! - The **consensus price** of a symbol and interval uses every validated quote, from any
//!   proposer, of sources that are neither quarantined nor in shadow mode.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use mdn_protocol::report::{from_bp, to_bp};
use mdn_protocol::{
    FastMap, Outcome, PeerScore, PublicKey, QuoteId, ReputationReport, SourceScoreEntry, Symbol,
    Verdict,
};
use rust_decimal::Decimal;

use crate::network::network_view;
use crate::params::Params;
use crate::peer::{PeerParts, PeerReputation};
use crate::price::{ConsensusPrice, Contribution, closeness, consensus_price, source_price};
use crate::source::{SourceParts, SourceScore, freshness};

/// A source as a whole (`None`) or on one symbol.
pub type SourceKey = (String, Option<Symbol>);

/// A decided quote as the reputation rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionInfo {
    /// The quote's id.
    pub quote_id: QuoteId,
    /// How it ended.
    pub outcome: Outcome,
    /// Its source.
    pub source: String,
    /// Its symbol.
    pub symbol: Symbol,
    /// Its price.
    pub price: Decimal,
    /// When the source observed it (ms).
    pub observed_at_ms: i64,
    /// Who proposed it.
    pub proposer: PublicKey,
    /// When it was decided (ms).
    pub decided_at_ms: i64,
    /// The votes counted before the decision.
    pub votes: Vec<(PublicKey, Verdict)>,
}

/// One run of a source's script on this node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunInfo {
    /// Source name.
    pub source: String,
    /// Whether the run succeeded.
    pub ok: bool,
    /// Items the runner dropped as too old, by symbol where known.
    pub stale: Vec<Option<Symbol>>,
}

/// Why a report is not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The reporter is not in the validator set.
    #[error("reporter {0} is not a validator")]
    UnknownReporter(PublicKey),
    /// The reporter already sent this or a later epoch.
    #[error("report epoch {got} of {reporter}: expected more than {last}")]
    Replayed {
        /// The reporter.
        reporter: PublicKey,
        /// The epoch received.
        got: u64,
        /// The latest epoch taken from it.
        last: u64,
    },
}

/// What a tick produced.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TickOutput {
    /// Consensus prices of intervals that closed: `(symbol, interval start ms, price)`.
    pub prices: Vec<(Symbol, i64, ConsensusPrice)>,
    /// Sources whose quarantine status changed: `(key, quarantined now)`.
    pub quarantine_changes: Vec<(SourceKey, bool)>,
}

/// A source's scores as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceView {
    /// The source (and symbol).
    pub key: SourceKey,
    /// This node's score, if this node runs the source.
    pub local: Option<f64>,
    /// This node's parts, if it runs the source.
    pub parts: Option<SourceParts>,
    /// Median of the validators' reports, if any reported it.
    pub network: Option<f64>,
    /// Whether it is quarantined.
    pub quarantined: bool,
}

/// A peer's reputation as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerView {
    /// The peer.
    pub peer: PublicKey,
    /// This node's view.
    pub local: f64,
    /// Its parts.
    pub parts: PeerParts,
    /// Median of the validators' reports, if any reported it.
    pub network: Option<f64>,
    /// Equivocations seen by this node.
    pub equivocations: u32,
}

/// What settling a decision needs of it.
#[derive(Debug, Clone)]
struct Settling {
    outcome: Outcome,
    proposer: PublicKey,
    /// Source and symbol, kept only for this node's own proposals (their sources are scored).
    own: Option<(String, Symbol)>,
    /// One verdict per voter, sorted by voter: the counted votes, then late ones.
    voters: Vec<(PublicKey, Verdict)>,
}

#[derive(Debug, Clone)]
struct Observation {
    source: String,
    proposer: PublicKey,
    price: Decimal,
    validated: bool,
    /// From observation to decision (ms).
    age_ms: i64,
}

#[derive(Debug, Clone, Default)]
struct TakenReport {
    epoch: u64,
    created_at_ms: i64,
    peers: BTreeMap<PublicKey, f64>,
    sources: BTreeMap<SourceKey, f64>,
    shadow: BTreeSet<String>,
}

/// The reputation state of one node.
#[derive(Debug, Clone)]
pub struct ReputationBook {
    params: Params,
    me: PublicKey,
    validators: BTreeSet<PublicKey>,
    shadow_local: BTreeSet<String>,
    sources: BTreeMap<SourceKey, SourceScore>,
    peers: BTreeMap<PublicKey, PeerReputation>,
    settling: FastMap<QuoteId, Settling>,
    settle_queue: VecDeque<(i64, QuoteId)>,
    intervals: BTreeMap<(i64, Symbol), Vec<Observation>>,
    closed_before: i64,
    last_source_price: BTreeMap<(String, Symbol), Decimal>,
    last_own_price: BTreeMap<(String, Symbol), Decimal>,
    reports: BTreeMap<PublicKey, TakenReport>,
    network_peers: BTreeMap<PublicKey, f64>,
    network_sources: BTreeMap<SourceKey, f64>,
}

impl ReputationBook {
    /// A book for node `me` among `validators`; `shadow` are this node's shadow-mode sources.
    pub fn new(
        params: Params,
        me: PublicKey,
        validators: impl IntoIterator<Item = PublicKey>,
        shadow: impl IntoIterator<Item = String>,
        now_ms: i64,
    ) -> Self {
        let validators: BTreeSet<PublicKey> = validators.into_iter().collect();
        let peers = validators
            .iter()
            .map(|v| (*v, PeerReputation::new(1.0, now_ms)))
            .collect();
        Self {
            params,
            me,
            validators,
            shadow_local: shadow.into_iter().collect(),
            sources: BTreeMap::new(),
            peers,
            settling: FastMap::default(),
            settle_queue: VecDeque::new(),
            intervals: BTreeMap::new(),
            closed_before: i64::MIN,
            last_source_price: BTreeMap::new(),
            last_own_price: BTreeMap::new(),
            reports: BTreeMap::new(),
            network_peers: BTreeMap::new(),
            network_sources: BTreeMap::new(),
        }
    }

    /// This node's key.
    pub fn me(&self) -> PublicKey {
        self.me
    }

    /// The parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Starts tracking a source this node runs (so it shows before its first run).
    pub fn track_source(&mut self, source: &str, now_ms: i64) {
        self.sources
            .entry((source.to_owned(), None))
            .or_insert_with(|| SourceScore::new(now_ms));
    }

    /// Restores a stored source score.
    pub fn restore_source(
        &mut self,
        key: SourceKey,
        parts: SourceParts,
        quarantined: bool,
        now_ms: i64,
    ) {
        self.sources
            .insert(key, SourceScore::from_parts(parts, quarantined, now_ms));
    }

    /// Restores a stored peer reputation (every part starts at it).
    pub fn restore_peer(&mut self, peer: PublicKey, reputation: f64, now_ms: i64) {
        if self.validators.contains(&peer) {
            self.peers
                .insert(peer, PeerReputation::new(reputation, now_ms));
        }
    }

    /// Sets whether this node runs `source` in shadow mode.
    pub fn set_shadow(&mut self, source: &str, shadow: bool) {
        if shadow {
            self.shadow_local.insert(source.to_owned());
        } else {
            self.shadow_local.remove(source);
        }
    }

    /// A quote was decided.
    pub fn record_decision(&mut self, info: DecisionInfo) {
        let DecisionInfo {
            quote_id,
            outcome,
            source,
            symbol,
            price,
            observed_at_ms,
            proposer,
            decided_at_ms,
            votes: mut voters,
        } = info;
        let settled = self.settling.contains_key(&quote_id);
        let own = (!settled && proposer == self.me).then(|| (source.clone(), symbol.clone()));
        if outcome != Outcome::Expired {
            let start = self.interval_start(observed_at_ms);
            if start >= self.closed_before {
                let observation = Observation {
                    source,
                    proposer,
                    price,
                    validated: outcome == Outcome::Validated,
                    age_ms: decided_at_ms.saturating_sub(observed_at_ms),
                };
                // The interval's key is cloned only when the interval is new.
                let key = (start, symbol);
                match self.intervals.get_mut(&key) {
                    Some(observations) => observations.push(observation),
                    None => {
                        self.intervals.insert(key, vec![observation]);
                    }
                }
            }
        }
        if settled {
            return;
        }
        // One verdict per voter, the first given.
        voters.sort_by_key(|(voter, _)| *voter);
        voters.dedup_by_key(|(voter, _)| *voter);
        self.settle_queue.push_back((decided_at_ms, quote_id));
        self.settling.insert(
            quote_id,
            Settling {
                outcome,
                proposer,
                own,
                voters,
            },
        );
    }

    /// A vote that arrived after its quote was decided.
    pub fn record_late_vote(&mut self, quote_id: &QuoteId, voter: PublicKey, verdict: Verdict) {
        if let Some(s) = self.settling.get_mut(quote_id)
            && let Err(at) = s.voters.binary_search_by_key(&voter, |(v, _)| *v)
        {
            s.voters.insert(at, (voter, verdict));
        }
    }

    /// Evidence that `voter` equivocated.
    pub fn record_equivocation(&mut self, voter: PublicKey, now_ms: i64) {
        if let Some(peer) = self.peers.get_mut(&voter) {
            peer.observe_equivocation(now_ms);
        }
    }

    /// One run of a source's script on this node.
    pub fn record_run(&mut self, run: &RunInfo, now_ms: i64) {
        let p = self.params.clone();
        self.source_mut(&run.source, None, now_ms)
            .observe_run(run.ok, now_ms, &p);
        for symbol in &run.stale {
            self.source_mut(&run.source, None, now_ms)
                .observe_freshness(0.0, now_ms, &p);
            if let Some(symbol) = symbol {
                self.source_mut(&run.source, Some(symbol), now_ms)
                    .observe_freshness(0.0, now_ms, &p);
            }
        }
    }

    /// Takes a verified report (signature and network id are the caller's checks).
    pub fn accept_report(&mut self, report: &ReputationReport) -> Result<(), ReportError> {
        if !self.validators.contains(&report.reporter) {
            return Err(ReportError::UnknownReporter(report.reporter));
        }
        if let Some(last) = self.reports.get(&report.reporter)
            && report.epoch <= last.epoch
        {
            return Err(ReportError::Replayed {
                reporter: report.reporter,
                got: report.epoch,
                last: last.epoch,
            });
        }
        let taken = TakenReport {
            epoch: report.epoch,
            created_at_ms: report.created_at_ms,
            peers: report
                .peers
                .iter()
                .filter(|p| self.validators.contains(&p.peer))
                .map(|p| (p.peer, from_bp(p.score_bp)))
                .collect(),
            sources: report
                .sources
                .iter()
                .map(|s| ((s.source.clone(), s.symbol.clone()), from_bp(s.score_bp)))
                .collect(),
            shadow: report
                .sources
                .iter()
                .filter(|s| s.shadow)
                .map(|s| s.source.clone())
                .collect(),
        };
        self.reports.insert(report.reporter, taken);
        self.recompute_network_view();
        Ok(())
    }

    /// The latest epoch taken from `reporter`.
    pub fn last_epoch(&self, reporter: &PublicKey) -> Option<u64> {
        self.reports.get(reporter).map(|r| r.epoch)
    }

    /// This node's report entries: every validator's reputation and every source it scores.
    pub fn report_entries(&self, now_ms: i64) -> (Vec<PeerScore>, Vec<SourceScoreEntry>) {
        let peers = self
            .peers
            .iter()
            .map(|(peer, r)| PeerScore {
                peer: *peer,
                score_bp: to_bp(r.score(now_ms, &self.params)),
            })
            .collect();
        let sources = self
            .sources
            .iter()
            .map(|((source, symbol), s)| SourceScoreEntry {
                source: source.clone(),
                symbol: symbol.clone(),
                score_bp: to_bp(s.score(&self.params)),
                shadow: self.shadow_local.contains(source),
            })
            .collect();
        (peers, sources)
    }

    /// Settles decisions, closes price intervals, drops expired reports and updates quarantine.
    pub fn tick(&mut self, now_ms: i64) -> TickOutput {
        let mut out = TickOutput::default();
        self.settle(now_ms);
        self.close_intervals(now_ms, &mut out);
        self.expire_reports(now_ms);
        self.update_quarantine(&mut out);
        out
    }

    /// Every source this node scores or others report, with local and network views.
    pub fn source_views(&self) -> Vec<SourceView> {
        let keys: BTreeSet<&SourceKey> = self
            .sources
            .keys()
            .chain(self.network_sources.keys())
            .collect();
        keys.into_iter()
            .map(|key| {
                let local = self.sources.get(key);
                SourceView {
                    key: key.clone(),
                    local: local.map(|s| s.score(&self.params)),
                    parts: local.map(SourceScore::parts),
                    network: self.network_sources.get(key).copied(),
                    quarantined: self.is_quarantined(key),
                }
            })
            .collect()
    }

    /// Every validator's reputation, local and network views.
    pub fn peer_views(&self, now_ms: i64) -> Vec<PeerView> {
        self.peers
            .iter()
            .map(|(peer, r)| PeerView {
                peer: *peer,
                local: r.score(now_ms, &self.params),
                parts: r.parts(now_ms, &self.params),
                network: self.network_peers.get(peer).copied(),
                equivocations: r.equivocations(),
            })
            .collect()
    }

    /// Whether `key` (or its whole source) is quarantined.
    pub fn is_quarantined(&self, key: &SourceKey) -> bool {
        let one = |k: &SourceKey| match self.sources.get(k) {
            Some(s) => s.quarantined(),
            None => self
                .network_sources
                .get(k)
                .is_some_and(|v| *v < self.params.quarantine_below),
        };
        one(key) || (key.1.is_some() && one(&(key.0.clone(), None)))
    }

    fn interval_start(&self, at_ms: i64) -> i64 {
        let len = self.params.price_interval_ms.max(1);
        at_ms.div_euclid(len) * len
    }

    fn source_mut(
        &mut self,
        source: &str,
        symbol: Option<&Symbol>,
        now_ms: i64,
    ) -> &mut SourceScore {
        self.sources
            .entry((source.to_owned(), symbol.cloned()))
            .or_insert_with(|| SourceScore::new(now_ms))
    }

    fn settle(&mut self, now_ms: i64) {
        let p = self.params.clone();
        while let Some(&(decided_at, id)) = self.settle_queue.front() {
            if decided_at.saturating_add(p.settle_ms) > now_ms {
                break;
            }
            self.settle_queue.pop_front();
            let Some(s) = self.settling.remove(&id) else {
                continue;
            };
            let decided = s.outcome != Outcome::Expired;
            let validated = s.outcome == Outcome::Validated;
            if decided && let Some(peer) = self.peers.get_mut(&s.proposer) {
                peer.observe_proposal(validated, now_ms, &p);
            }
            for (key, peer) in &mut self.peers {
                let vote = s
                    .voters
                    .binary_search_by_key(key, |(v, _)| *v)
                    .ok()
                    .map(|at| &s.voters[at].1);
                peer.observe_liveness(vote.is_some(), now_ms, &p);
                match vote {
                    Some(Verdict::Accept) if decided => {
                        peer.observe_agreement(validated, now_ms, &p)
                    }
                    Some(Verdict::Reject(_)) if decided => {
                        peer.observe_agreement(!validated, now_ms, &p);
                    }
                    _ => {}
                }
            }
            if decided && let Some((source, symbol)) = &s.own {
                for symbol in [None, Some(symbol)] {
                    self.source_mut(source, symbol, now_ms)
                        .observe_acceptance(validated, now_ms, &p);
                }
            }
        }
    }

    fn close_intervals(&mut self, now_ms: i64, out: &mut TickOutput) {
        let p = self.params.clone();
        let horizon = now_ms
            .saturating_sub(p.price_interval_ms)
            .saturating_sub(p.price_grace_ms);
        let closing: Vec<(i64, Symbol)> = self
            .intervals
            .keys()
            .take_while(|(start, _)| *start <= horizon)
            .cloned()
            .collect();
        for key in closing {
            let Some(observations) = self.intervals.remove(&key) else {
                continue;
            };
            let (start, symbol) = key;
            self.closed_before = self.closed_before.max(start.saturating_add(1));
            let Some(price) = self.interval_price(&symbol, &observations) else {
                continue;
            };
            // Each source's price this interval, to tell a frozen feed from a quiet market.
            let mut now_prices: BTreeMap<String, Vec<Decimal>> = BTreeMap::new();
            for o in &observations {
                now_prices
                    .entry(o.source.clone())
                    .or_default()
                    .push(o.price);
            }
            let now_prices: BTreeMap<String, Decimal> = now_prices
                .into_iter()
                .filter_map(|(s, v)| source_price(&v).map(|p| (s, p)))
                .collect();
            let others_moved = |source: &str| {
                now_prices.iter().any(|(other, p)| {
                    other != source
                        && self
                            .last_source_price
                            .get(&(other.clone(), symbol.clone()))
                            .is_some_and(|last| last != p)
                })
            };
            let me = self.me;
            let mut frozen: BTreeSet<String> = BTreeSet::new();
            for o in observations.iter().filter(|o| o.proposer == me) {
                let last = self.last_own_price.get(&(o.source.clone(), symbol.clone()));
                if last == Some(&o.price) && others_moved(&o.source) {
                    frozen.insert(o.source.clone());
                }
            }
            for o in observations.iter().filter(|o| o.proposer == me) {
                let close = closeness(o.price, &price, &p);
                // The same price again while other sources moved is a frozen feed, whatever
                // timestamp it carries.
                let fresh = if frozen.contains(&o.source) {
                    0.0
                } else {
                    freshness(o.age_ms, p.max_quote_age_ms)
                };
                for sym in [None, Some(&symbol)] {
                    let score = self.source_mut(&o.source, sym, now_ms);
                    score.observe_closeness(close, now_ms, &p);
                    score.observe_freshness(fresh, now_ms, &p);
                }
            }
            for o in observations.iter().filter(|o| o.proposer == me) {
                self.last_own_price
                    .insert((o.source.clone(), symbol.clone()), o.price);
            }
            for (source, p) in now_prices {
                self.last_source_price.insert((source, symbol.clone()), p);
            }
            out.prices.push((symbol, start, price));
        }
    }

    fn interval_price(
        &self,
        symbol: &Symbol,
        observations: &[Observation],
    ) -> Option<ConsensusPrice> {
        let mut by_source: BTreeMap<&str, Vec<Decimal>> = BTreeMap::new();
        for o in observations.iter().filter(|o| o.validated) {
            if self.is_shadow(&o.proposer, &o.source) {
                continue;
            }
            let key = (o.source.clone(), Some(symbol.clone()));
            if self.is_quarantined(&key) {
                continue;
            }
            by_source
                .entry(o.source.as_str())
                .or_default()
                .push(o.price);
        }
        let contributions: Vec<Contribution> = by_source
            .into_iter()
            .filter_map(|(source, prices)| {
                let key = (source.to_owned(), Some(symbol.clone()));
                Some(Contribution {
                    source: source.to_owned(),
                    price: source_price(&prices)?,
                    weight: u64::from(to_bp(self.effective_score(&key))),
                })
            })
            .collect();
        consensus_price(&contributions)
    }

    /// Network view when validators reported the source, else this node's own score, else 1.
    fn effective_score(&self, key: &SourceKey) -> f64 {
        self.network_sources
            .get(key)
            .copied()
            .or_else(|| self.sources.get(key).map(|s| s.score(&self.params)))
            .unwrap_or(1.0)
    }

    fn is_shadow(&self, proposer: &PublicKey, source: &str) -> bool {
        if *proposer == self.me {
            return self.shadow_local.contains(source);
        }
        self.reports
            .get(proposer)
            .is_some_and(|r| r.shadow.contains(source))
    }

    fn expire_reports(&mut self, now_ms: i64) {
        let ttl = self.params.report_ttl_ms;
        let before = self.reports.len();
        self.reports
            .retain(|_, r| r.created_at_ms.saturating_add(ttl) >= now_ms);
        if self.reports.len() != before {
            self.recompute_network_view();
        }
    }

    fn recompute_network_view(&mut self) {
        self.network_peers = network_view(self.reports.values().map(|r| &r.peers));
        self.network_sources = network_view(self.reports.values().map(|r| &r.sources));
    }

    fn update_quarantine(&mut self, out: &mut TickOutput) {
        let keys: Vec<SourceKey> = self.sources.keys().cloned().collect();
        for key in keys {
            let effective = self.effective_score(&key);
            let p = self.params.clone();
            if let Some(score) = self.sources.get_mut(&key)
                && score.update_quarantine(effective, &p)
            {
                out.quarantine_changes.push((key, score.quarantined()));
            }
        }
    }
}

#[cfg(test)]
mod tests;
