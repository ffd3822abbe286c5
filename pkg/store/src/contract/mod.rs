//! The contract test suite: behaviour every [`Store`](crate::Store) backend must show.
//!
//! Each case is an `async fn(&dyn Store)` that expects an empty store and panics on a violation.
//! Backends run all of them with [`contract_tests!`](crate::contract_tests), one test per case,
//! each on a fresh store.

mod decisions;
pub mod fixtures;
mod invariants;
mod records;

pub use decisions::*;
pub use invariants::{assert_effects_match, commit_ten_of_each_outcome};
pub use records::*;

/// Generates one `#[tokio::test]` per contract case. `$make` is an async fn returning
/// `(guard, Arc<dyn Store>)` for a fresh, empty store; the guard lives until the case ends.
#[macro_export]
macro_rules! contract_tests {
    ($make:path) => {
        $crate::contract_tests!(@cases $make;
            ping_answers,
            commit_stores_and_reads_back,
            commit_is_idempotent,
            validated_upgrades_expired,
            outcomes_never_flip,
            batch_duplicates_collapse,
            invalid_decision_fails_batch,
            list_decisions_filters_and_pages,
            lists_are_exact_over_spread_times,
            decisions_after_pages_validated,
            validated_among_finds_stored_validated,
            symbols_summarise_validated,
            large_batches_commit_once,
            certificates_by_batch_round_trip,
            source_events_round_trip,
            source_scores_keep_history,
            source_scores_per_symbol,
            peers_upsert_and_stats,
            evidence_recorded_once,
            prices_upsert_and_range,
            scripts_round_trip_and_trust,
            sync_cursors_persist,
        );
    };
    (@cases $make:path; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let (_guard, store) = $make().await;
                $crate::contract::$case(store.as_ref()).await;
            }
        )*
    };
}
