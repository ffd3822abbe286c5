//! Decision queries: by id, filtered pages, catch-up sync, counts and the symbol summary.

use std::collections::HashSet;

use mdn_protocol::{Decision, Outcome, Quote, QuoteId};
use mdn_store::certstore::{
    BatchBook, Unresolved, complete, decode_stored, referenced_batches, without_certificates,
};
use mdn_store::decisions::{outcome_code, outcome_from_code};
use mdn_store::overlay::SymbolSourceRow;
use mdn_store::{DecisionCounts, DecisionQuery, Page, StoreError, StoredDecision, SymbolSummary};
use rusqlite::types::ToSql;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use crate::convert::{hash32, key, parse_dec, symbol, unsigned};
use crate::worker::Fail;

/// The columns [`decision_from_row`] reads, of the decisions table as `d`.
const COLUMNS: &str = "d.seq, d.symbol, d.source, d.price, d.bid, d.ask, d.volume, \
     d.observed_at_ms, d.script_hash, d.evidence_hash, d.proposer, d.outcome, d.decided_at_ms, \
     d.certificate";

fn decision_from_row(row: &Row<'_>) -> Result<Unresolved, Fail> {
    let code: i64 = row.get(11)?;
    let outcome = outcome_from_code(code)
        .ok_or_else(|| StoreError::corrupt("decision", format!("unknown outcome {code}")))?;
    let certificate: Option<Vec<u8>> = row.get(13)?;
    let certificate = certificate.as_deref().map(decode_stored).transpose()?;
    let opt_dec = |i: usize, what: &'static str| -> Result<_, Fail> {
        let s: Option<String> = row.get(i)?;
        Ok(s.map(|s| parse_dec(what, &s)).transpose()?)
    };
    let symbol_text: String = row.get(1)?;
    let price: String = row.get(3)?;
    let quote = Quote {
        symbol: symbol("decision symbol", &symbol_text)?,
        source: row.get(2)?,
        price: parse_dec("price", &price)?,
        bid: opt_dec(4, "bid")?,
        ask: opt_dec(5, "ask")?,
        volume: opt_dec(6, "volume")?,
        observed_at_ms: row.get(7)?,
        script_hash: hash32("script hash", &row.get::<_, Vec<u8>>(8)?)?,
        evidence_hash: hash32("evidence hash", &row.get::<_, Vec<u8>>(9)?)?,
        proposer: key("proposer", &row.get::<_, Vec<u8>>(10)?)?,
    };
    let stored = StoredDecision {
        seq: row.get(0)?,
        decision: Decision {
            quote,
            outcome,
            decided_at_ms: row.get(12)?,
            certificate: None,
        },
    };
    Ok((stored, certificate))
}

/// The decisions `stmt` selects, with their certificates rebuilt when `certificates` says so.
fn collect(
    c: &Connection,
    stmt: &mut rusqlite::CachedStatement<'_>,
    params: impl rusqlite::Params,
    certificates: bool,
) -> Result<Vec<StoredDecision>, Fail> {
    let out = unresolved(stmt, params)?;
    resolve(c, out, certificates)
}

/// The decisions `stmt` selects, certificates as stored.
fn unresolved(
    stmt: &mut rusqlite::CachedStatement<'_>,
    params: impl rusqlite::Params,
) -> Result<Vec<Unresolved>, Fail> {
    let mut out = Vec::new();
    let mut rows = stmt.query(params)?;
    while let Some(row) = rows.next()? {
        out.push(decision_from_row(row)?);
    }
    Ok(out)
}

/// Rebuilds the certificates of `out` (reading the vote batches they refer to), or drops them.
fn resolve(
    c: &Connection,
    out: Vec<Unresolved>,
    certificates: bool,
) -> Result<Vec<StoredDecision>, Fail> {
    if !certificates {
        return Ok(without_certificates(out));
    }
    let ids = referenced_batches(out.iter().filter_map(|(_, c)| c.as_ref()));
    let mut book = BatchBook::default();
    if !ids.is_empty() {
        let mut batch = c.prepare_cached("SELECT batch FROM vote_batches WHERE id = ?1")?;
        for id in ids {
            let encoded: Option<Vec<u8>> = batch.query_row([id], |r| r.get(0)).optional()?;
            if let Some(encoded) = encoded {
                book.insert(id, &encoded)?;
            }
        }
    }
    Ok(complete(out, &book)?)
}

/// Runs the reads of `f` in one read transaction. In autocommit mode every statement takes and
/// releases SQLite's WAL read lock (`fcntl` calls on the shared-memory file); a lookup of many ids
/// runs a statement per id and per index run, and spent a third of its time on those locks.
pub(crate) fn in_snapshot<T>(
    c: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, Fail>,
) -> Result<T, Fail> {
    let tx = c.unchecked_transaction()?;
    let out = f(&tx)?;
    tx.commit()?;
    Ok(out)
}

/// By bare id: the id index gives the candidate times, the time-keyed unique index the row.
pub(crate) fn decision(c: &Connection, id: &QuoteId) -> Result<Option<StoredDecision>, Fail> {
    let times = crate::id_index::candidates(c, std::slice::from_ref(id))?;
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM decisions d WHERE observed_at_ms = ?1 AND quote_id = ?2"
    ))?;
    for at in times.get(id).into_iter().flatten() {
        if let Some(found) = collect(c, &mut stmt, params![at, &id.0[..]], true)?.pop() {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// Where a listing looks: the whole table, or (for a symbol) the decisions in the symbol index
/// or those in its tail.
#[derive(Debug, Clone, Copy)]
enum Scope {
    All,
    SymbolIndexed,
    SymbolTail { indexed_seq: i64 },
}

/// A page of decisions matching `q`, newest first. With a symbol, the indexed entries and the tail
/// are read apart (each newest first, at most a page and one) and merged; certificates are rebuilt
/// only for the decisions kept.
pub(crate) fn list(c: &Connection, q: &DecisionQuery) -> Result<Page<StoredDecision>, Fail> {
    let page = q.effective_limit();
    let mut items = if q.symbol.is_some() {
        let indexed_seq = crate::symbol_index::indexed_seq(c)?;
        let mut items = list_in(c, q, Scope::SymbolIndexed)?;
        items.extend(list_in(c, q, Scope::SymbolTail { indexed_seq })?);
        items.sort_by_key(|(d, _)| std::cmp::Reverse((d.decision.quote.observed_at_ms, d.seq)));
        items
    } else {
        list_in(c, q, Scope::All)?
    };
    items.truncate(page as usize + 1);
    let items = resolve(c, items, q.certificates)?;
    Ok(Page::from_one_past(items, page))
}

/// Up to a page and one of the decisions matching `q` within `scope`, newest first.
fn list_in(c: &Connection, q: &DecisionQuery, scope: Scope) -> Result<Vec<Unresolved>, Fail> {
    let (sql, values) = list_sql(q, scope);
    let mut stmt = c.prepare_cached(&sql)?;
    unresolved(&mut stmt, params_from_iter(values.iter()))
}

/// The query of [`list_in`] and its parameters.
fn list_sql(q: &DecisionQuery, scope: Scope) -> (String, Vec<Box<dyn ToSql>>) {
    // The symbol and time columns: the index entry's when reading through the index.
    let (from, t) = match scope {
        Scope::All => ("decisions d", "d"),
        Scope::SymbolIndexed => (
            "decision_symbols s CROSS JOIN decisions d \
             ON d.seq = s.seq AND d.observed_at_ms = s.observed_at_ms",
            "s",
        ),
        // The tail is read by seq range (rowid), never through the time index, which would walk
        // every older decision when the tail holds none of the page.
        Scope::SymbolTail { .. } => ("decisions d NOT INDEXED", "d"),
    };
    let mut conditions: Vec<String> = Vec::new();
    let mut values: Vec<Box<dyn ToSql>> = Vec::new();
    let mut add = |sql: String, value: Box<dyn ToSql>| {
        values.push(value);
        conditions.push(sql.replace('?', &format!("?{}", values.len())));
    };
    if let Scope::SymbolTail { indexed_seq } = scope {
        add("d.seq > ?".to_owned(), Box::new(indexed_seq));
    }
    if let Some(s) = &q.symbol {
        add(format!("{t}.symbol = ?"), Box::new(s.as_str().to_owned()));
    }
    if let Some(s) = &q.source {
        add("d.source = ?".to_owned(), Box::new(s.clone()));
    }
    if let Some(o) = q.outcome {
        add("d.outcome = ?".to_owned(), Box::new(outcome_code(o)));
    }
    if let Some(ms) = q.since_ms {
        add(format!("{t}.observed_at_ms >= ?"), Box::new(ms));
    }
    if let Some(ms) = q.until_ms {
        add(format!("{t}.observed_at_ms < ?"), Box::new(ms));
    }
    if let Some(after) = q.after {
        values.push(Box::new(after.observed_at_ms));
        values.push(Box::new(after.seq));
        let n = values.len();
        conditions.push(format!(
            "({t}.observed_at_ms, {t}.seq) < (?{}, ?{n})",
            n - 1
        ));
    }
    values.push(Box::new(i64::from(q.effective_limit()) + 1));
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM {from}{filter} \
         ORDER BY {t}.observed_at_ms DESC, {t}.seq DESC LIMIT ?{}",
        values.len()
    );
    (sql, values)
}

pub(crate) fn after(c: &Connection, seq: i64, n: u32) -> Result<Vec<StoredDecision>, Fail> {
    let sql = format!(
        "SELECT {COLUMNS} FROM decisions d WHERE outcome = 1 AND seq > ?1 ORDER BY seq LIMIT ?2"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    collect(c, &mut stmt, params![seq, i64::from(n)], true)
}

pub(crate) fn ids_after(c: &Connection, seq: i64, n: u32) -> Result<Vec<(i64, QuoteId)>, Fail> {
    let mut stmt = c.prepare_cached(
        "SELECT seq, quote_id FROM decisions WHERE outcome = 1 AND seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let mut rows = stmt.query(params![seq, i64::from(n)])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push((row.get(0)?, hash32("quote id", &row.get::<_, Vec<u8>>(1)?)?));
    }
    Ok(out)
}

pub(crate) fn validated_ids(c: &Connection) -> Result<Vec<QuoteId>, Fail> {
    let mut stmt =
        c.prepare_cached("SELECT quote_id FROM decisions WHERE outcome = 1 ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(hash32("quote id", &row.get::<_, Vec<u8>>(0)?)?);
    }
    Ok(out)
}

pub(crate) fn validated_among(c: &Connection, ids: &[QuoteId]) -> Result<HashSet<QuoteId>, Fail> {
    let times = crate::id_index::candidates(c, ids)?;
    let mut stmt = c.prepare_cached(
        "SELECT 1 FROM decisions WHERE observed_at_ms = ?1 AND quote_id = ?2 AND outcome = 1",
    )?;
    let mut out = HashSet::new();
    for (id, candidates) in &times {
        for at in candidates {
            if stmt.exists(params![at, &id.0[..]])? {
                out.insert(*id);
                break;
            }
        }
    }
    Ok(out)
}

pub(crate) fn counts(c: &Connection) -> Result<DecisionCounts, Fail> {
    // Maintained by every commit (`decision_totals`), so this never scans the decisions.
    let mut stmt = c.prepare_cached("SELECT outcome, count FROM decision_totals")?;
    let mut rows = stmt.query([])?;
    let mut out = DecisionCounts::default();
    while let Some(row) = rows.next()? {
        let code: i64 = row.get(0)?;
        let n: u64 = unsigned("decision count", row.get(1)?)?;
        match outcome_from_code(code) {
            Some(Outcome::Validated) => out.validated = n,
            Some(Outcome::Rejected) => out.rejected = n,
            Some(Outcome::Expired) => out.expired = n,
            None => return Err(StoreError::corrupt("decision", format!("outcome {code}")).into()),
        }
    }
    Ok(out)
}

/// Per-symbol summaries of the folded (symbol, source) rows plus the effect journal's.
pub(crate) fn symbols(c: &Connection) -> Result<Vec<SymbolSummary>, Fail> {
    let mut stmt = c.prepare_cached(
        "SELECT symbol, source, validated, last_price, last_observed_at_ms FROM symbol_sources",
    )?;
    let mut rows = stmt.query([])?;
    let mut folded = Vec::new();
    while let Some(row) = rows.next()? {
        let sym: String = row.get(0)?;
        let price: String = row.get(3)?;
        folded.push(SymbolSourceRow {
            symbol: symbol("symbol", &sym)?,
            source: row.get(1)?,
            validated: unsigned("symbol validated", row.get(2)?)?,
            last_price: parse_dec("last price", &price)?,
            last_observed_at_ms: row.get(4)?,
        });
    }
    let pending = crate::effect_journal::pending(c)?;
    Ok(mdn_store::overlay::symbol_summaries(folded, &pending)?)
}

#[cfg(test)]
mod tests {
    use mdn_store::DecisionCursor;

    use super::*;

    /// How SQLite plans a listing's query, one line per step.
    fn plan(q: &DecisionQuery, scope: Scope) -> String {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        crate::migrate::run(&mut conn, 0).expect("migrate");
        let (sql, values) = list_sql(q, scope);
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("prepare");
        let rows = stmt
            .query_map(params_from_iter(values.iter()), |r| r.get::<_, String>(3))
            .expect("explain");
        rows.map(|r| r.expect("plan row"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn by_symbol() -> DecisionQuery {
        DecisionQuery {
            symbol: Some(mdn_protocol::Symbol::parse("BTC/USD").expect("symbol")),
            source: Some("kraken".into()),
            since_ms: Some(1),
            after: Some(DecisionCursor {
                observed_at_ms: 5,
                seq: 9,
            }),
            ..DecisionQuery::default()
        }
    }

    #[test]
    fn indexed_symbol_reads_walk_the_index_in_order() {
        let plan = plan(&by_symbol(), Scope::SymbolIndexed);
        assert!(
            plan.contains("SEARCH s USING PRIMARY KEY (symbol=?"),
            "{plan}"
        );
        assert!(
            plan.contains("SEARCH d USING INTEGER PRIMARY KEY (rowid=?)"),
            "{plan}"
        );
        assert!(!plan.contains("TEMP B-TREE"), "no sort: {plan}");
    }

    #[test]
    fn lists_of_all_symbols_walk_the_time_index_and_sort_only_ties() {
        for q in [
            DecisionQuery::default(),
            DecisionQuery {
                source: Some("kraken".into()),
                since_ms: Some(1),
                until_ms: Some(50),
                after: Some(DecisionCursor {
                    observed_at_ms: 5,
                    seq: 9,
                }),
                ..DecisionQuery::default()
            },
        ] {
            let plan = plan(&q, Scope::All);
            assert!(
                plan.contains("USING INDEX decisions_time_id")
                    || plan.contains("USING COVERING INDEX decisions_time_id"),
                "{plan}"
            );
            // SQLite names the partial sort after what it sorts: the last term here (seq).
            assert!(
                plan.contains("LAST TERM OF ORDER BY") || plan.contains("RIGHT PART OF ORDER BY"),
                "ties by seq only: {plan}"
            );
            assert!(
                !plan.contains("TEMP B-TREE FOR ORDER BY"),
                "no full sort: {plan}"
            );
        }
    }

    #[test]
    fn tail_symbol_reads_scan_only_the_tail() {
        let plan = plan(&by_symbol(), Scope::SymbolTail { indexed_seq: 7 });
        assert!(
            plan.contains("SEARCH d USING INTEGER PRIMARY KEY (rowid>?)"),
            "{plan}"
        );
    }
}
