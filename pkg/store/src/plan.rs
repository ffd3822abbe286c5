//! Pure batch planning shared by the backends: validates a commit batch, collapses duplicates, and
//! sums the effects of the decisions a backend actually stored into per-row counter deltas.

use std::collections::{BTreeMap, HashMap};

use mdn_protocol::{Encode, Outcome, PublicKey, QuoteId};
use rust_decimal::Decimal;

use crate::certstore::{BatchPlanner, PlannedBatch, PlannedCertificate};
use crate::decisions::{DecisionCommit, ScoreEffect};
use crate::error::{Result, StoreError};

/// One decision of a batch, checked and ready to write.
#[derive(Debug, Clone)]
pub struct PlannedDecision<'a> {
    /// The quote id.
    pub id: QuoteId,
    /// The decision and its effects.
    pub commit: &'a DecisionCommit,
    /// How the certificate will be kept (validated decisions only).
    pub certificate: Option<PlannedCertificate>,
}

/// A checked batch: one row per distinct quote id, in first-seen order.
#[derive(Debug, Clone, Default)]
pub struct Plan<'a> {
    /// The rows to write.
    pub rows: Vec<PlannedDecision<'a>>,
    /// Batch entries collapsed into an earlier entry of the same quote id.
    pub collapsed: u64,
    /// The vote batches `ByBatch` certificates refer to, each once: the backend stores them (if
    /// new) and passes their ids to [`PlannedCertificate::blob`].
    pub batches: Vec<PlannedBatch>,
}

/// Checks every decision and collapses duplicate quote ids (see [`crate::Store::commit`]).
pub fn plan_batch(batch: &[DecisionCommit]) -> Result<Plan<'_>> {
    let mut plan = Plan::default();
    let mut index: HashMap<QuoteId, usize> = HashMap::with_capacity(batch.len());
    let mut batches = BatchPlanner::default();
    for commit in batch {
        let row = check(commit, &mut batches)?;
        match index.get(&row.id) {
            None => {
                index.insert(row.id, plan.rows.len());
                plan.rows.push(row);
            }
            Some(&at) => {
                plan.collapsed += 1;
                let kept = &mut plan.rows[at];
                if kept.commit.decision.outcome == Outcome::Expired
                    && commit.decision.outcome == Outcome::Validated
                {
                    *kept = row;
                }
            }
        }
    }
    plan.batches = batches.into_batches();
    Ok(plan)
}

fn check<'a>(
    commit: &'a DecisionCommit,
    batches: &mut BatchPlanner,
) -> Result<PlannedDecision<'a>> {
    let decision = &commit.decision;
    let id = commit.quote_id;
    debug_assert_eq!(
        id,
        decision.quote.id(),
        "a commit's quote id is its quote's"
    );
    let invalid = |expected: &'static str, got: String| StoreError::InvalidDecision {
        quote_id: id,
        expected,
        got,
    };
    let by_reference = !commit.accepts.is_empty();
    let certificate = match (decision.outcome, &decision.certificate) {
        (Outcome::Validated, Some(_)) if by_reference => {
            return Err(invalid(
                "a certificate in full or by reference",
                "both".into(),
            ));
        }
        (Outcome::Validated, Some(cert)) if cert.quote_id == id => {
            Some(PlannedCertificate::Full(cert.encode_to_vec()))
        }
        (Outcome::Validated, Some(cert)) => {
            return Err(invalid(
                "a certificate for the decided quote",
                format!("a certificate for quote {}", cert.quote_id),
            ));
        }
        (Outcome::Validated, None) if by_reference => Some(
            batches
                .plan(id, &commit.accepts)
                .map_err(|got| invalid("accept votes on the quote, one per voter in order", got))?,
        ),
        (Outcome::Validated, None) => {
            return Err(invalid(
                "a certificate on a validated decision",
                "none".into(),
            ));
        }
        (other, certificate) if certificate.is_some() || by_reference => {
            return Err(invalid(
                "no certificate on a non-validated decision",
                format!("a certificate on a {other:?} decision"),
            ));
        }
        (_, _) => None,
    };
    Ok(PlannedDecision {
        id,
        commit,
        certificate,
    })
}

/// Counter increments per outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutcomeDelta {
    /// Validated increment.
    pub validated: i64,
    /// Rejected increment.
    pub rejected: i64,
    /// Expired increment.
    pub expired: i64,
}

impl OutcomeDelta {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Validated => self.validated += 1,
            Outcome::Rejected => self.rejected += 1,
            Outcome::Expired => self.expired += 1,
        }
    }
}

/// Counter increments of one peer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeerDelta {
    /// Proposals by outcome.
    pub proposals: OutcomeDelta,
    /// Votes agreeing with the outcome.
    pub votes_agreed: i64,
    /// Votes disagreeing with the outcome.
    pub votes_disagreed: i64,
}

/// Summary change of one (symbol, source) pair from newly stored validated decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SymbolSourceDelta {
    /// Newly stored validated decisions.
    pub validated: i64,
    /// Latest observation time among them (ms).
    pub last_observed_at_ms: i64,
    /// Price of that latest observation.
    pub last_price: Decimal,
}

/// Everything to add to the stats tables for a set of newly stored decisions; keys sorted so that
/// writers touch rows in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EffectDeltas {
    /// Keyed by (source, symbol).
    pub sources: BTreeMap<(String, String), OutcomeDelta>,
    /// Keyed by peer key.
    pub peers: BTreeMap<PublicKey, PeerDelta>,
    /// Keyed by (symbol, source); validated decisions only.
    pub symbol_sources: BTreeMap<(String, String), SymbolSourceDelta>,
    /// Net change of the number of stored decisions per outcome (an upgrade moves one from
    /// expired to validated).
    pub totals: OutcomeTotals,
}

/// Net change of stored decisions per outcome (may be negative).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutcomeTotals {
    /// Validated.
    pub validated: i64,
    /// Rejected.
    pub rejected: i64,
    /// Expired.
    pub expired: i64,
}

impl EffectDeltas {
    /// Sums the effects of the given (newly inserted or upgraded) decisions.
    pub fn collect<'a>(applied: impl IntoIterator<Item = &'a DecisionCommit>) -> Self {
        let mut out = Self::default();
        for commit in applied {
            out.add(commit);
        }
        out
    }

    /// Adds one newly inserted decision.
    pub fn add(&mut self, commit: &DecisionCommit) {
        match commit.decision.outcome {
            Outcome::Validated => self.totals.validated += 1,
            Outcome::Rejected => self.totals.rejected += 1,
            Outcome::Expired => self.totals.expired += 1,
        }
        self.add_effects(commit);
    }

    /// Adds one validated decision that replaced a stored expired one.
    pub fn add_upgrade(&mut self, commit: &DecisionCommit) {
        self.totals.validated += 1;
        self.totals.expired -= 1;
        self.add_effects(commit);
    }

    fn add_effects(&mut self, commit: &DecisionCommit) {
        for effect in &commit.effects {
            match effect {
                ScoreEffect::SourceOutcome {
                    source,
                    symbol,
                    outcome,
                } => self
                    .sources
                    .entry((source.clone(), symbol.as_str().to_owned()))
                    .or_default()
                    .add(*outcome),
                ScoreEffect::ProposerOutcome { proposer, outcome } => self
                    .peers
                    .entry(*proposer)
                    .or_default()
                    .proposals
                    .add(*outcome),
                ScoreEffect::VoterAgreement { voter, agreed } => {
                    let peer = self.peers.entry(*voter).or_default();
                    if *agreed {
                        peer.votes_agreed += 1;
                    } else {
                        peer.votes_disagreed += 1;
                    }
                }
            }
        }
        let decision = &commit.decision;
        if decision.outcome == Outcome::Validated {
            let quote = &decision.quote;
            let key = (quote.symbol.as_str().to_owned(), quote.source.clone());
            let entry = self.symbol_sources.entry(key).or_insert(SymbolSourceDelta {
                validated: 0,
                last_observed_at_ms: quote.observed_at_ms,
                last_price: quote.price,
            });
            entry.validated += 1;
            if quote.observed_at_ms > entry.last_observed_at_ms {
                entry.last_observed_at_ms = quote.observed_at_ms;
                entry.last_price = quote.price;
            }
        }
    }

    /// Whether nothing is to be added.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
            && self.peers.is_empty()
            && self.symbol_sources.is_empty()
            && self.totals == OutcomeTotals::default()
    }
}
