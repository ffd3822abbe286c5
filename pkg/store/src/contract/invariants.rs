//! Cross-table invariants that hold whenever every decision carries [`super::fixtures::effects_for`]
//! effects and no expired decision was upgraded (used by the contract and crash tests).

use mdn_protocol::Outcome;

use super::fixtures::VOTERS;
use crate::decisions::{DecisionQuery, MAX_PAGE};
use crate::store::Store;

/// How many decisions with `outcome` the store lists, page by page.
async fn listed(store: &dyn Store, outcome: Outcome) -> u64 {
    let mut query = DecisionQuery {
        outcome: Some(outcome),
        limit: MAX_PAGE,
        ..DecisionQuery::default()
    };
    let mut n = 0;
    loop {
        let page = store.list_decisions(&query).await.expect("list decisions");
        n += page.items.len() as u64;
        match page.next {
            Some(next) => query.after = Some(next),
            None => return n,
        }
    }
}

/// Effects are present for every stored decision and for nothing else: counters sum to the
/// number of decisions per outcome.
pub async fn assert_effects_match(store: &dyn Store) {
    let counts = store.decision_counts().await.expect("decision counts");
    // The kept totals agree with the decisions actually listed.
    for (outcome, kept) in [
        (Outcome::Validated, counts.validated),
        (Outcome::Rejected, counts.rejected),
        (Outcome::Expired, counts.expired),
    ] {
        assert_eq!(
            listed(store, outcome).await,
            kept,
            "{outcome:?} total vs listed decisions"
        );
    }
    let total = counts.validated + counts.rejected + counts.expired;
    let sources = store.source_stats().await.expect("source stats");
    let by_source = sources.iter().fold((0, 0, 0), |acc, s| {
        (acc.0 + s.validated, acc.1 + s.rejected, acc.2 + s.expired)
    });
    assert_eq!(
        by_source,
        (counts.validated, counts.rejected, counts.expired),
        "source counters vs decisions"
    );
    let peers = store.peer_stats().await.expect("peer stats");
    let proposals = peers.iter().fold((0, 0, 0), |acc, p| {
        (
            acc.0 + p.proposals_validated,
            acc.1 + p.proposals_rejected,
            acc.2 + p.proposals_expired,
        )
    });
    assert_eq!(
        proposals,
        (counts.validated, counts.rejected, counts.expired),
        "proposer counters vs decisions"
    );
    let votes: u64 = peers
        .iter()
        .map(|p| p.votes_agreed + p.votes_disagreed)
        .sum();
    assert_eq!(votes, total * VOTERS as u64, "voter counters vs decisions");
    let symbols = store.symbols().await.expect("symbols");
    let validated: u64 = symbols.iter().map(|s| s.validated).sum();
    assert_eq!(validated, counts.validated, "symbol summary vs decisions");
}

/// Commits ten decisions of each outcome (salt 3) and returns the store's totals after it, checked
/// to be ten of each (used by the migration backfill tests of both backends).
pub async fn commit_ten_of_each_outcome(store: &dyn Store) -> crate::decisions::DecisionCounts {
    let outcomes = [Outcome::Validated, Outcome::Rejected, Outcome::Expired];
    let batch: Vec<_> = (0..30)
        .map(|i| super::fixtures::commit_salted(i, 3, outcomes[(i % 3) as usize]))
        .collect();
    store.commit(&batch).await.expect("commit");
    let counts = store.decision_counts().await.expect("counts");
    assert_eq!(
        (counts.validated, counts.rejected, counts.expired),
        (10, 10, 10)
    );
    counts
}
