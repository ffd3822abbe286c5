//! Idempotent decision commits in one SQLite transaction: insert-or-ignore each row, upgrade an
//! expired row to validated, then add the effects of exactly the rows that changed (the decision
//! totals at once, the score counters through the effect journal, `effect_journal`). Rows are
//! unique by `(observed_at_ms, quote_id)` (an index that grows at its end); the quote-id index is
//! brought up to date after the transaction (`id_index::maintain`), and so is the (symbol, time)
//! index (`symbol_index::maintain`).

use mdn_protocol::Outcome;
use mdn_store::certstore::PlannedBatch;
use mdn_store::decisions::outcome_code;
use mdn_store::plan::{EffectDeltas, OutcomeTotals, plan_batch};
use mdn_store::{CommitReport, DecisionCommit};
use rusqlite::{Connection, params};

use crate::convert::dec;
use crate::effect_journal::Journal;
use crate::id_runs::IdIndexLimits;
use crate::worker::Fail;

const INSERT: &str = "INSERT INTO decisions (quote_id, symbol, source, price, bid, ask, volume, \
       observed_at_ms, script_hash, evidence_hash, proposer, outcome, decided_at_ms, certificate) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) \
     ON CONFLICT (observed_at_ms, quote_id) DO NOTHING";

const UPGRADE: &str = "UPDATE decisions SET seq = (SELECT MAX(seq) FROM decisions) + 1, \
       outcome = 1, decided_at_ms = ?2, certificate = ?3 \
     WHERE observed_at_ms = ?4 AND quote_id = ?1 AND outcome = 3";

/// Commits `batch` in one transaction, then maintains the id and symbol indexes (a failure there
/// loses nothing: lookups scan what is not indexed yet, and the next commit tries again). The next
/// commit waits for this maintenance, and an id index step followed by a symbol index append made
/// the longest waits: after an id step the append waits until its tail is twice as long. The id
/// index is still maintained after every commit, and the symbol index's tail stays below twice its
/// length plus one batch.
pub(crate) fn commit(
    conn: &mut Connection,
    batch: &[DecisionCommit],
    limits: &IdIndexLimits,
    symbol_tail_rows: i64,
    journal: &mut Journal,
    effect_fold_rows: i64,
) -> Result<CommitReport, Fail> {
    let (report, journaled) = commit_batch(conn, batch)?;
    if let Some((deltas, id)) = journaled {
        journal.committed(deltas, id);
    }
    let id_step = crate::id_index::maintain(conn, limits).unwrap_or_else(|e| {
        tracing::warn!(error = ?e, "maintaining the SQLite quote-id index failed; will retry");
        false
    });
    let symbol_tail_rows = if id_step {
        symbol_tail_rows.saturating_mul(2)
    } else {
        symbol_tail_rows
    };
    if let Err(e) = crate::symbol_index::maintain(conn, symbol_tail_rows) {
        tracing::warn!(error = ?e, "maintaining the SQLite symbol index failed; will retry");
    }
    if let Err(e) = journal.maintain(conn, effect_fold_rows) {
        tracing::warn!(error = ?e, "folding the SQLite effect journal failed; will retry");
    }
    Ok(report)
}

/// Commits the rows and returns the report, with the counter deltas and their journal row's id
/// when they were journaled.
fn commit_batch(
    conn: &mut Connection,
    batch: &[DecisionCommit],
) -> Result<(CommitReport, Option<(EffectDeltas, i64)>), Fail> {
    let plan = plan_batch(batch)?;
    let tx = conn.transaction()?;
    let batch_ids = store_batches(&tx, &plan.batches)?;
    let mut report = CommitReport {
        unchanged: plan.collapsed,
        ..CommitReport::default()
    };
    let mut deltas = EffectDeltas::default();
    {
        let mut insert = tx.prepare_cached(INSERT)?;
        let mut upgrade = tx.prepare_cached(UPGRADE)?;
        for row in &plan.rows {
            let certificate = row
                .certificate
                .as_ref()
                .map(|c| c.blob(&batch_ids))
                .transpose()?;
            let d = &row.commit.decision;
            let q = &d.quote;
            let inserted = insert.execute(params![
                &row.id.0[..],
                q.symbol.as_str(),
                q.source,
                dec(&q.price),
                q.bid.as_ref().map(dec),
                q.ask.as_ref().map(dec),
                q.volume.as_ref().map(dec),
                q.observed_at_ms,
                &q.script_hash.0[..],
                &q.evidence_hash.0[..],
                &q.proposer.0[..],
                outcome_code(d.outcome),
                d.decided_at_ms,
                certificate.as_deref(),
            ])? == 1;
            let upgraded = !inserted
                && d.outcome == Outcome::Validated
                && upgrade.execute(params![
                    &row.id.0[..],
                    d.decided_at_ms,
                    certificate.as_deref(),
                    q.observed_at_ms
                ])? == 1;
            if inserted {
                report.inserted += 1;
                deltas.add(row.commit);
            } else if upgraded {
                report.upgraded += 1;
                deltas.add_upgrade(row.commit);
            } else {
                report.unchanged += 1;
            }
        }
    }
    apply_totals(&tx, deltas.totals)?;
    let journaled = Journal::append(&tx, &deltas)?;
    tx.commit()?;
    Ok((report, journaled.map(|id| (deltas, id))))
}

/// Stores the vote batches certificates refer to (those not stored yet) and returns their ids, in
/// the plan's order.
fn store_batches(
    tx: &rusqlite::Transaction<'_>,
    batches: &[PlannedBatch],
) -> Result<Vec<i64>, Fail> {
    if batches.is_empty() {
        return Ok(Vec::new());
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO vote_batches (hash, batch) VALUES (?1, ?2) ON CONFLICT (hash) DO NOTHING",
    )?;
    let mut lookup = tx.prepare_cached("SELECT id FROM vote_batches WHERE hash = ?1")?;
    let mut ids = Vec::with_capacity(batches.len());
    for b in batches {
        insert.execute(params![&b.hash.0[..], &b.encoded])?;
        ids.push(lookup.query_row([&b.hash.0[..]], |r| r.get(0))?);
    }
    Ok(ids)
}

/// Adds a commit's net change to the decision totals (one small row per outcome).
fn apply_totals(tx: &rusqlite::Transaction<'_>, t: OutcomeTotals) -> Result<(), Fail> {
    if t != OutcomeTotals::default() {
        tx.prepare_cached(
            "UPDATE decision_totals SET count = count + CASE outcome \
               WHEN 1 THEN ?1 WHEN 2 THEN ?2 ELSE ?3 END",
        )?
        .execute(params![t.validated, t.rejected, t.expired])?;
    }
    Ok(())
}

/// Adds `deltas`' counters (not its totals) to the stats tables: a fold of the effect journal.
pub(crate) fn apply_counters(
    tx: &rusqlite::Transaction<'_>,
    deltas: &EffectDeltas,
) -> Result<(), Fail> {
    let mut sources = tx.prepare_cached(
        "INSERT INTO source_stats (source, symbol, validated, rejected, expired) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (source, symbol) DO UPDATE SET \
           validated = validated + excluded.validated, rejected = rejected + excluded.rejected, \
           expired = expired + excluded.expired",
    )?;
    for ((source, symbol), d) in &deltas.sources {
        sources.execute(params![source, symbol, d.validated, d.rejected, d.expired])?;
    }
    let mut peers = tx.prepare_cached(
        "INSERT INTO peer_stats (peer, proposals_validated, proposals_rejected, \
           proposals_expired, votes_agreed, votes_disagreed) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (peer) DO UPDATE SET \
           proposals_validated = proposals_validated + excluded.proposals_validated, \
           proposals_rejected = proposals_rejected + excluded.proposals_rejected, \
           proposals_expired = proposals_expired + excluded.proposals_expired, \
           votes_agreed = votes_agreed + excluded.votes_agreed, \
           votes_disagreed = votes_disagreed + excluded.votes_disagreed",
    )?;
    for (peer, d) in &deltas.peers {
        peers.execute(params![
            &peer.0[..],
            d.proposals.validated,
            d.proposals.rejected,
            d.proposals.expired,
            d.votes_agreed,
            d.votes_disagreed
        ])?;
    }
    let mut symbols = tx.prepare_cached(
        "INSERT INTO symbol_sources (symbol, source, validated, last_price, last_observed_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (symbol, source) DO UPDATE SET \
           validated = validated + excluded.validated, \
           last_price = CASE WHEN excluded.last_observed_at_ms >= last_observed_at_ms \
             THEN excluded.last_price ELSE last_price END, \
           last_observed_at_ms = MAX(last_observed_at_ms, excluded.last_observed_at_ms)",
    )?;
    for ((symbol, source), d) in &deltas.symbol_sources {
        symbols.execute(params![
            symbol,
            source,
            d.validated,
            dec(&d.last_price),
            d.last_observed_at_ms
        ])?;
    }
    Ok(())
}
