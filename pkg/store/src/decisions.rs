//! Record types for decisions: what is committed, what comes back, and how lists are queried.

use std::fmt;
use std::str::FromStr;

use mdn_protocol::{BatchVote, Certificate, Decision, Outcome, PublicKey, QuoteId, Symbol};
use rust_decimal::Decimal;

/// One decision to commit, with the score effects to apply if (and only if) it is newly stored.
///
/// A validated decision's certificate comes one of two ways: in full in `decision.certificate`
/// (a decision received from a peer), or as its accept votes by reference in `accepts`, with
/// `decision.certificate` left `None` (the tally's way: it counts votes as [`BatchVote`]s, and the
/// store keeps each batch once and the certificate as references into it, see
/// [`crate::certstore`]). [`DecisionCommit::certificate`] is the certificate either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionCommit {
    /// `decision.quote.id()`, computed once by whoever made the commit (see
    /// [`DecisionCommit::new`]); the store keys the decision by it.
    pub quote_id: QuoteId,
    /// The decision.
    pub decision: Decision,
    /// Counter updates that belong to this decision.
    pub effects: Vec<ScoreEffect>,
    /// A validated decision's accept votes by reference, one per voter in voter order, when
    /// `decision.certificate` is `None`; otherwise empty.
    pub accepts: Vec<BatchVote>,
}

impl DecisionCommit {
    /// A commit of `decision` as it is (its certificate, if any, in full), with its `effects`.
    pub fn new(decision: Decision, effects: Vec<ScoreEffect>) -> Self {
        Self {
            quote_id: decision.quote.id(),
            decision,
            effects,
            accepts: Vec::new(),
        }
    }

    /// A commit of a decision the tally counted: `accepts` certify it when it is validated (its
    /// certificate, if any, is set aside for them), and are empty otherwise. `quote_id` must be
    /// `decision.quote.id()`.
    pub fn counted(
        quote_id: QuoteId,
        mut decision: Decision,
        effects: Vec<ScoreEffect>,
        accepts: Vec<BatchVote>,
    ) -> Self {
        decision.certificate = None;
        Self {
            quote_id,
            decision,
            effects,
            accepts,
        }
    }

    /// The certificate this commit stores, as it reads back: the decision's own, or the one
    /// `accepts` make (each entry's audit path computed here).
    pub fn certificate(&self) -> Option<Certificate> {
        if self.accepts.is_empty() {
            return self.decision.certificate.clone();
        }
        Some(Certificate {
            quote_id: self.quote_id,
            entries: self.accepts.iter().map(BatchVote::entry).collect(),
        })
    }

    /// The decision as it reads back: with [`DecisionCommit::certificate`].
    pub fn stored_decision(&self) -> Decision {
        let mut decision = self.decision.clone();
        decision.certificate = self.certificate();
        decision
    }
}

/// A counter update that a decision causes. Applied exactly once per stored decision.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ScoreEffect {
    /// One more outcome for a source on a symbol.
    SourceOutcome {
        /// Source name.
        source: String,
        /// The symbol quoted.
        symbol: Symbol,
        /// How the quote ended.
        outcome: Outcome,
    },
    /// One more outcome for a proposer's quote.
    ProposerOutcome {
        /// The proposing node.
        proposer: PublicKey,
        /// How the quote ended.
        outcome: Outcome,
    },
    /// One more vote of a voter, agreeing with the outcome or not.
    VoterAgreement {
        /// The voting validator.
        voter: PublicKey,
        /// Whether its vote agreed with the outcome.
        agreed: bool,
    },
}

/// What a `commit` did with each decision of its batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CommitReport {
    /// Decisions stored for the first time (effects applied).
    pub inserted: u64,
    /// Expired decisions replaced by a validated one (effects applied).
    pub upgraded: u64,
    /// Decisions already stored, or duplicates within the batch (nothing applied).
    pub unchanged: u64,
}

/// A decision as stored, with its local commit order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDecision {
    /// Local commit sequence number: increases with every insert or upgrade, in commit order.
    pub seq: i64,
    /// The decision.
    pub decision: Decision,
}

/// Position in a newest-first decision list; pass `Page::next` back to continue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DecisionCursor {
    /// `observed_at_ms` of the last decision returned.
    pub observed_at_ms: i64,
    /// `seq` of the last decision returned.
    pub seq: i64,
}

impl fmt::Display for DecisionCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.observed_at_ms, self.seq)
    }
}

/// Why a string is not a [`DecisionCursor`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid cursor {0:?}: expected OBSERVED_AT_MS_SEQ, e.g. 1700000000000_42")]
pub struct InvalidCursor(pub String);

impl FromStr for DecisionCursor {
    type Err = InvalidCursor;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || InvalidCursor(s.to_owned());
        let (ms, seq) = s.rsplit_once('_').ok_or_else(bad)?;
        Ok(Self {
            observed_at_ms: ms.parse().map_err(|_| bad())?,
            seq: seq.parse().map_err(|_| bad())?,
        })
    }
}

/// Filters for [`crate::Store::list_decisions`]. All filters are optional and combine with AND.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionQuery {
    /// Only this symbol.
    pub symbol: Option<Symbol>,
    /// Only this source.
    pub source: Option<String>,
    /// Only this outcome.
    pub outcome: Option<Outcome>,
    /// Only quotes observed at or after this time (ms).
    pub since_ms: Option<i64>,
    /// Only quotes observed before this time (ms).
    pub until_ms: Option<i64>,
    /// Continue after this position (from a previous page's `next`).
    pub after: Option<DecisionCursor>,
    /// At most this many items (backends cap it at [`MAX_PAGE`]).
    pub limit: u32,
    /// Rebuild each validated decision's certificate (default). Without, items carry none: a
    /// certificate kept by reference costs decoding its vote batches and their Merkle paths, most
    /// of a listing's work, and a list of quotes does not show them.
    pub certificates: bool,
}

/// The largest page a list returns.
pub const MAX_PAGE: u32 = 1000;

impl Default for DecisionQuery {
    fn default() -> Self {
        Self {
            symbol: None,
            source: None,
            outcome: None,
            since_ms: None,
            until_ms: None,
            after: None,
            limit: 100,
            certificates: true,
        }
    }
}

impl DecisionQuery {
    /// The limit to apply: `limit` clamped to `1..=MAX_PAGE`.
    pub fn effective_limit(&self) -> u32 {
        self.limit.clamp(1, MAX_PAGE)
    }
}

/// One page of a list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Where the next page starts, or `None` when this is the last page.
    pub next: Option<DecisionCursor>,
}

impl Page<StoredDecision> {
    /// The page of `page` items from `items`, newest first, read one past the page: when that
    /// extra one is there it is dropped and the page's last decision becomes the next cursor.
    pub fn from_one_past(mut items: Vec<StoredDecision>, page: u32) -> Self {
        let page = page as usize;
        let next = if items.len() > page {
            items.truncate(page);
            items.last().map(|d| DecisionCursor {
                observed_at_ms: d.decision.quote.observed_at_ms,
                seq: d.seq,
            })
        } else {
            None
        };
        Self { items, next }
    }
}

/// Number of stored decisions per outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecisionCounts {
    /// Validated decisions.
    pub validated: u64,
    /// Rejected decisions.
    pub rejected: u64,
    /// Expired decisions.
    pub expired: u64,
}

/// A symbol's latest validated price and how many sources quote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymbolSummary {
    /// The symbol.
    pub symbol: Symbol,
    /// Price of the most recently observed validated quote.
    pub last_price: Decimal,
    /// When that quote was observed (ms).
    pub last_observed_at_ms: i64,
    /// Number of distinct sources with validated quotes of this symbol.
    pub sources: u32,
    /// Number of validated quotes of this symbol.
    pub validated: u64,
}

/// Converts an outcome to its stored code (the protocol's byte value).
pub fn outcome_code(outcome: Outcome) -> i16 {
    match outcome {
        Outcome::Validated => 1,
        Outcome::Rejected => 2,
        Outcome::Expired => 3,
    }
}

/// Converts a stored code back to an outcome.
pub fn outcome_from_code(code: i64) -> Option<Outcome> {
    match code {
        1 => Some(Outcome::Validated),
        2 => Some(Outcome::Rejected),
        3 => Some(Outcome::Expired),
        _ => None,
    }
}

#[cfg(all(test, feature = "contract"))]
mod tests {
    use mdn_protocol::Outcome;

    use super::{DecisionCursor, Page, StoredDecision};
    use crate::contract::fixtures::commit;

    fn stored(n: u64) -> Vec<StoredDecision> {
        (0..n)
            .rev()
            .map(|i| StoredDecision {
                seq: i64::try_from(i).expect("small") + 1,
                decision: commit(i, Outcome::Validated).decision,
            })
            .collect()
    }

    #[test]
    fn one_past_the_page_becomes_the_next_cursor() {
        let page = Page::from_one_past(stored(4), 3);
        assert_eq!(page.items, stored(4)[..3].to_vec());
        let last = &page.items[2];
        assert_eq!(
            page.next,
            Some(DecisionCursor {
                observed_at_ms: last.decision.quote.observed_at_ms,
                seq: last.seq,
            })
        );
        let end = Page::from_one_past(stored(3), 3);
        assert_eq!((end.items.len(), end.next), (3, None));
    }
}
