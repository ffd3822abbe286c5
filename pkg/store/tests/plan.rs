//! Properties of the pure batch planning: duplicates collapse as documented and effect sums
//! count every effect of the applied decisions exactly once.

use std::collections::HashMap;

use mdn_protocol::Outcome;
use mdn_store::contract::fixtures::{VOTERS, commit};
use mdn_store::plan::{EffectDeltas, plan_batch};
use proptest::prelude::*;

fn outcome(code: u8) -> Outcome {
    match code % 3 {
        0 => Outcome::Validated,
        1 => Outcome::Rejected,
        _ => Outcome::Expired,
    }
}

proptest! {
    #[test]
    fn plan_keeps_one_row_per_id(entries in prop::collection::vec((0u64..8, 0u8..3), 0..40)) {
        let batch: Vec<_> = entries.iter().map(|(i, o)| commit(*i, outcome(*o))).collect();
        let plan = plan_batch(&batch).expect("fixtures are valid");
        prop_assert_eq!(plan.rows.len() as u64 + plan.collapsed, batch.len() as u64);
        // Model: first entry per id wins, except a later validated replaces a kept expired.
        let mut model: Vec<(u64, Outcome)> = Vec::new();
        for (i, o) in &entries {
            let o = outcome(*o);
            match model.iter_mut().find(|(id, _)| id == i) {
                None => model.push((*i, o)),
                Some(kept) if kept.1 == Outcome::Expired && o == Outcome::Validated => kept.1 = o,
                Some(_) => {}
            }
        }
        let got: Vec<_> = plan.rows.iter().map(|r| r.commit.decision.outcome).collect();
        let want: Vec<_> = model.iter().map(|(_, o)| *o).collect();
        prop_assert_eq!(got, want);
        for row in &plan.rows {
            prop_assert_eq!(row.id, row.commit.decision.quote.id());
            let validated = row.commit.decision.outcome == Outcome::Validated;
            prop_assert_eq!(row.certificate.is_some(), validated);
        }
    }

    #[test]
    fn deltas_count_each_effect_once(entries in prop::collection::vec((0u64..50, 0u8..3), 0..60)) {
        let batch: Vec<_> = entries.iter().map(|(i, o)| commit(*i, outcome(*o))).collect();
        let deltas = EffectDeltas::collect(&batch);
        let mut per_outcome: HashMap<Outcome, i64> = HashMap::new();
        for c in &batch {
            *per_outcome.entry(c.decision.outcome).or_default() += 1;
        }
        let n = |o| per_outcome.get(&o).copied().unwrap_or(0);
        let sources = deltas.sources.values().fold((0, 0, 0), |a, d| {
            (a.0 + d.validated, a.1 + d.rejected, a.2 + d.expired)
        });
        let want = (n(Outcome::Validated), n(Outcome::Rejected), n(Outcome::Expired));
        prop_assert_eq!(sources, want);
        let proposals: i64 = deltas
            .peers
            .values()
            .map(|p| p.proposals.validated + p.proposals.rejected + p.proposals.expired)
            .sum();
        prop_assert_eq!(proposals, batch.len() as i64);
        let votes: i64 = deltas.peers.values().map(|p| p.votes_agreed + p.votes_disagreed).sum();
        prop_assert_eq!(votes, (batch.len() * VOTERS) as i64);
        let validated: i64 = deltas.symbol_sources.values().map(|s| s.validated).sum();
        prop_assert_eq!(validated, n(Outcome::Validated));
        for ((symbol, source), s) in &deltas.symbol_sources {
            let latest = batch
                .iter()
                .filter(|c| c.decision.outcome == Outcome::Validated)
                .filter(|c| {
                    c.decision.quote.symbol.as_str() == symbol && &c.decision.quote.source == source
                })
                .map(|c| c.decision.quote.observed_at_ms)
                .max();
            prop_assert_eq!(Some(s.last_observed_at_ms), latest);
        }
    }
}

#[test]
fn cursor_round_trips_through_text() {
    let cursor = mdn_store::DecisionCursor {
        observed_at_ms: -1_700_000_000_000,
        seq: 42,
    };
    assert_eq!(
        cursor.to_string().parse::<mdn_store::DecisionCursor>(),
        Ok(cursor)
    );
    assert!("12".parse::<mdn_store::DecisionCursor>().is_err());
    assert!("a_1".parse::<mdn_store::DecisionCursor>().is_err());
}
