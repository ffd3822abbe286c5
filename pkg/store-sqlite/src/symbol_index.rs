//! The (symbol, time) index of decisions, kept in bulk (migration V7).
//!
//! A plain SQLite index on `(symbol, observed_at_ms)` has one insertion point per symbol, so a
//! commit of a few hundred decisions over a few hundred symbols rewrote a leaf page per symbol
//! (4 KiB of WAL each, copied again by the checkpoint). Instead the entries live in
//! `decision_symbols`, appended in sorted order once the decisions above
//! `decision_symbol_tail.indexed_seq` (the tail) number [`DEFAULT_TAIL_ROWS`] or more: each leaf
//! page is written once per append rather than once per commit. Reads by symbol merge the indexed
//! entries with a scan of the tail ([`crate::reads::list`]).
//!
//! An upgrade (expired to validated) gives its row a new seq above every other, so the row joins
//! the tail and its old entry points at no row; readers join entries to rows by seq and time, so
//! such an entry is never read.

use rusqlite::{Connection, params};

use crate::worker::Fail;

/// Tail length from which the tail is appended to the index. An append rewrites about one leaf
/// page per symbol whatever its length, so longer tails write fewer pages per decision: with 640
/// symbols, 8,192 rows meant ~13 entries per page written, and the 4-node devnet at 10,000
/// quotes/s spent ~3% more CPU per quote, and more time in queues, than with this length (BENCHMARKS.md, session 18). A read
/// by symbol scans the tail: ~3 ms at this length, ~6 ms at twice it (after an id index step).
pub const DEFAULT_TAIL_ROWS: i64 = 32_768;

/// Decisions after this seq are in the tail (not in `decision_symbols`).
pub(crate) fn indexed_seq(conn: &Connection) -> Result<i64, Fail> {
    Ok(
        conn.query_row("SELECT indexed_seq FROM decision_symbol_tail", [], |r| {
            r.get(0)
        })?,
    )
}

/// Appends the tail to the index when it holds `tail_rows` or more decisions (counted by seq,
/// so an upper bound). One transaction: a crash leaves either the whole append or none of it.
pub(crate) fn maintain(conn: &mut Connection, tail_rows: i64) -> Result<(), Fail> {
    let from = indexed_seq(conn)?;
    let through: i64 = conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM decisions", [], |r| {
        r.get(0)
    })?;
    if through - from < tail_rows.max(1) {
        return Ok(());
    }
    let tx = conn.transaction()?;
    tx.prepare_cached(
        "INSERT OR IGNORE INTO decision_symbols (symbol, observed_at_ms, seq) \
         SELECT symbol, observed_at_ms, seq FROM decisions WHERE seq > ?1 AND seq <= ?2 \
         ORDER BY 1, 2, 3",
    )?
    .execute(params![from, through])?;
    tx.prepare_cached("UPDATE decision_symbol_tail SET indexed_seq = ?1")?
        .execute(params![through])?;
    tx.commit()?;
    Ok(())
}
