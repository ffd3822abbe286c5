//! The quote-id index: finds a decision's `observed_at_ms` from its bare quote id, so that it can
//! be read through the time-keyed unique index `(observed_at_ms, quote_id)`.
//!
//! A B-tree on random 32-byte ids made every commit rewrite pages all over that index (SQLite
//! writes whole pages to the WAL): 3–6 KB of WAL per row. Instead (migration V6) the ids live in a
//! small log-structured merge tree (policy in `id_runs`): `decision_id_tail.indexed_seq` marks
//! the decisions not indexed yet (the tail, scanned); `decision_ids` holds sorted runs of
//! `(8-byte id prefix, observed_at_ms)`, appended in one go by a merge and compacted a slice of
//! two-byte id prefixes at a time. A lookup scans the tail and seeks once per run; candidates are then
//! confirmed against `decisions`, so a shared prefix only costs a second look.

use std::collections::{HashMap, HashSet};

use mdn_protocol::QuoteId;
use rusqlite::{Connection, params};

use crate::id_runs::{IdIndexLimits, RunInfo, SLICES, Step, next_step};
use crate::worker::Fail;

/// Most maintenance steps taken after one commit (a merge and a compaction start do not end the
/// round, a slice move does).
const STEPS_PER_ROUND: usize = 4;

/// Decisions after this seq are not in any run yet.
fn indexed_seq(conn: &Connection) -> Result<i64, Fail> {
    Ok(conn.query_row("SELECT indexed_seq FROM decision_id_tail", [], |r| r.get(0))?)
}

/// An upper bound of the tail's length (seq gaps left by upgrades count too).
fn tail_rows(conn: &Connection) -> Result<i64, Fail> {
    let newest: i64 = conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM decisions", [], |r| {
        r.get(0)
    })?;
    Ok(newest - indexed_seq(conn)?)
}

fn runs(conn: &Connection) -> Result<Vec<RunInfo>, Fail> {
    let mut stmt = conn.prepare_cached(
        "SELECT run, entries, into_run, next_slice FROM decision_id_runs ORDER BY run",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(RunInfo {
            run: r.get(0)?,
            entries: r.get(1)?,
            into_run: r.get(2)?,
            next_slice: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn new_run(conn: &Connection) -> Result<i64, Fail> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(run), 0) + 1 FROM decision_id_runs",
        [],
        |r| r.get(0),
    )?)
}

/// Brings the index up to date after a commit: at most a few bounded steps, each its own
/// transaction (a crash between steps leaves a consistent index). Says whether it took any.
pub(crate) fn maintain(conn: &mut Connection, limits: &IdIndexLimits) -> Result<bool, Fail> {
    for taken in 0..STEPS_PER_ROUND {
        let step = next_step(limits, tail_rows(conn)?, &runs(conn)?);
        if step == Step::Idle {
            return Ok(taken > 0);
        }
        let tx = conn.transaction()?;
        match &step {
            Step::Idle => {}
            Step::Merge => merge(&tx)?,
            Step::Start { sources } => start(&tx, sources)?,
            Step::Move {
                target,
                sources,
                from,
                to,
            } => move_slice(&tx, *target, sources, *from, *to)?,
        }
        tx.commit()?;
        if matches!(step, Step::Move { .. }) {
            break;
        }
    }
    Ok(true)
}

/// Writes the tail's ids as a new run, in id order (appends to the B-tree).
fn merge(tx: &rusqlite::Transaction<'_>) -> Result<(), Fail> {
    let from = indexed_seq(tx)?;
    let through: i64 = tx.query_row("SELECT COALESCE(MAX(seq), 0) FROM decisions", [], |r| {
        r.get(0)
    })?;
    let run = new_run(tx)?;
    let entries = tx.execute(
        "INSERT OR IGNORE INTO decision_ids (run, id_prefix, observed_at_ms) \
         SELECT ?1, substr(quote_id, 1, 8), observed_at_ms FROM decisions \
         WHERE seq > ?2 AND seq <= ?3 ORDER BY 2, 3",
        params![run, from, through],
    )?;
    if entries > 0 {
        tx.execute(
            "INSERT INTO decision_id_runs (run, entries) VALUES (?1, ?2)",
            params![run, i64::try_from(entries).unwrap_or(i64::MAX)],
        )?;
    }
    tx.execute(
        "UPDATE decision_id_tail SET indexed_seq = ?1",
        params![through],
    )?;
    Ok(())
}

/// Marks `sources` as being compacted into a new, empty run.
fn start(tx: &rusqlite::Transaction<'_>, sources: &[i64]) -> Result<(), Fail> {
    let target = new_run(tx)?;
    let list = run_list(sources);
    let entries: i64 = tx.query_row(
        &format!("SELECT COALESCE(SUM(entries), 0) FROM decision_id_runs WHERE run IN ({list})"),
        [],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO decision_id_runs (run, entries, next_slice) VALUES (?1, ?2, 0)",
        params![target, entries],
    )?;
    tx.execute(
        &format!("UPDATE decision_id_runs SET into_run = ?1 WHERE run IN ({list})"),
        params![target],
    )?;
    Ok(())
}

/// Moves the entries of `sources` whose first two id bytes are in `from..to` into `target`; at
/// [`SLICES`] the compaction ends and the emptied sources are forgotten.
fn move_slice(
    tx: &rusqlite::Transaction<'_>,
    target: i64,
    sources: &[i64],
    from: u32,
    to: u32,
) -> Result<(), Fail> {
    let list = run_list(sources);
    // Blobs compare bytewise, a prefix first: every id starting with `from` is >= `lo`.
    let lo = u16::try_from(from)
        .unwrap_or(u16::MAX)
        .to_be_bytes()
        .to_vec();
    // Above every 8-byte prefix when the slice runs to the end.
    let hi = u16::try_from(to).map_or_else(|_| vec![0xff; 9], |b| b.to_be_bytes().to_vec());
    let slice = format!("run IN ({list}) AND id_prefix >= ?1 AND id_prefix < ?2");
    tx.execute(
        &format!(
            "INSERT OR IGNORE INTO decision_ids (run, id_prefix, observed_at_ms) \
             SELECT ?3, id_prefix, observed_at_ms FROM decision_ids WHERE {slice} \
             ORDER BY id_prefix, observed_at_ms"
        ),
        params![lo, hi, target],
    )?;
    tx.execute(
        &format!("DELETE FROM decision_ids WHERE {slice}"),
        params![lo, hi],
    )?;
    if to >= SLICES {
        tx.execute(
            "UPDATE decision_id_runs SET next_slice = NULL WHERE run = ?1",
            params![target],
        )?;
        tx.execute(
            &format!("DELETE FROM decision_id_runs WHERE run IN ({list})"),
            [],
        )?;
    } else {
        tx.execute(
            "UPDATE decision_id_runs SET next_slice = ?2 WHERE run = ?1",
            params![target, to],
        )?;
    }
    Ok(())
}

/// Run numbers as an SQL list (integers read from the database, never text from outside).
fn run_list(runs: &[i64]) -> String {
    runs.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `observed_at_ms` candidates of each of `ids` that the index knows: one scan of the tail,
/// then one seek per run for the ids the tail did not have. Callers confirm each candidate.
pub(crate) fn candidates(
    conn: &Connection,
    ids: &[QuoteId],
) -> Result<HashMap<QuoteId, Vec<i64>>, Fail> {
    let mut found: HashMap<QuoteId, Vec<i64>> = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let wanted: HashSet<&[u8]> = ids.iter().map(|id| &id.0[..]).collect();
    {
        let mut tail =
            conn.prepare_cached("SELECT quote_id, observed_at_ms FROM decisions WHERE seq > ?1")?;
        let mut rows = tail.query([indexed_seq(conn)?])?;
        while let Some(row) = rows.next()? {
            let id = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
            if wanted.contains(id) {
                let id = crate::convert::hash32("quote id", id)?;
                found.entry(id).or_default().push(row.get(1)?);
            }
        }
    }
    let runs = runs(conn)?;
    let mut seek = conn.prepare_cached(
        "SELECT observed_at_ms FROM decision_ids WHERE run = ?1 AND id_prefix = ?2",
    )?;
    for id in ids {
        if found.contains_key(id) {
            continue;
        }
        let mut times = Vec::new();
        for r in &runs {
            let rows = seek.query_map(params![r.run, &id.0[..8]], |row| row.get(0))?;
            for t in rows {
                times.push(t?);
            }
        }
        if !times.is_empty() {
            times.sort_unstable();
            times.dedup();
            found.insert(*id, times);
        }
    }
    Ok(found)
}
