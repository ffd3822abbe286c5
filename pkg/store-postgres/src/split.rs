//! A large commit copied over two connections at once, so that the server inserts and indexes the
//! two halves of the batch on two cores (one backend does one row at a time).
//!
//! Order keeps the guarantees of a single transaction where they matter. The main connection takes
//! the commit lock first and holds it to the end, so no other commit runs in between (the helper
//! holds a second lock that every other commit also takes, so that one waits for a helper whose
//! main half died with its process). The helper
//! gets the lower half of the reserved seq numbers, stores the vote batches its and the main's
//! certificates refer to, and commits first; the main half (higher seqs) commits last. So seq
//! order stays commit order (catch-up sync pages by seq), every stored certificate's vote batches
//! are committed no later than it, and each decision is committed with its effects in one
//! transaction. If the helper fails, nothing is committed; if the main half fails after the
//! helper committed, the helper's half stays, and the caller's retry finds those rows stored and
//! takes the id-lookup path for the rest.

use deadpool_postgres::Object;
use mdn_store::CommitReport;
use mdn_store::plan::{EffectDeltas, Plan, PlannedDecision};

use crate::commit::{
    apply_deltas, blobs, copy_rows, lock_split, reserve_seqs, store_batches, with_blobs,
};
use crate::pool::Fail;

/// Commits `plan`, assuming none of its rows is stored yet (a stored one fails the commit with a
/// unique violation and leaves nothing, unless the helper's half committed: see the module text).
pub(crate) async fn commit_split(
    main: &mut Object,
    helper: &mut Object,
    plan: &Plan<'_>,
) -> Result<CommitReport, Fail> {
    let (main_tx, helper_tx) = tokio::try_join!(main.transaction(), helper.transaction())?;
    lock_split(&main_tx, &helper_tx).await?;
    let (batch_ids, first_seq) = tokio::try_join!(
        store_batches(&helper_tx, &plan.batches),
        reserve_seqs(&main_tx, plan.rows.len()),
    )?;
    let blobs = blobs(plan, &batch_ids)?;
    let rows = with_blobs(plan, &blobs);
    let (low, high) = rows.split_at(rows.len() / 2);
    let high_seq = first_seq + i64::try_from(low.len()).unwrap_or(i64::MAX);
    tokio::try_join!(
        copy_rows(&helper_tx, low, first_seq),
        copy_rows(&main_tx, high, high_seq),
    )?;
    apply_deltas(&helper_tx, &deltas_of(low)).await?;
    helper_tx.commit().await?;
    apply_deltas(&main_tx, &deltas_of(high)).await?;
    main_tx.commit().await?;
    Ok(CommitReport {
        inserted: plan.rows.len() as u64,
        upgraded: 0,
        unchanged: plan.collapsed,
    })
}

fn deltas_of(rows: &[(&PlannedDecision<'_>, Option<&[u8]>)]) -> EffectDeltas {
    let mut deltas = EffectDeltas::default();
    for (row, _) in rows {
        deltas.add(row.commit);
    }
    deltas
}
