//! Decision queries: by id, filtered pages, catch-up sync, counts and the symbol summary.

use std::collections::HashSet;

use mdn_protocol::{Decision, Outcome, Quote, QuoteId};
use mdn_store::certstore::{BatchBook, Unresolved, complete, decode_stored, referenced_batches};
use mdn_store::decisions::{outcome_code, outcome_from_code};
use mdn_store::{
    DecisionCounts, DecisionCursor, DecisionQuery, Page, StoreError, StoredDecision, SymbolSummary,
};
use rusqlite::types::ToSql;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use crate::convert::{hash32, key, parse_dec, symbol, unsigned};
use crate::worker::Fail;

const SELECT: &str = "SELECT seq, symbol, source, price, bid, ask, volume, observed_at_ms, \
     script_hash, evidence_hash, proposer, outcome, decided_at_ms, certificate FROM decisions";

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

fn collect(
    c: &Connection,
    stmt: &mut rusqlite::CachedStatement<'_>,
    params: impl rusqlite::Params,
) -> Result<Vec<StoredDecision>, Fail> {
    let mut out = Vec::new();
    {
        let mut rows = stmt.query(params)?;
        while let Some(row) = rows.next()? {
            out.push(decision_from_row(row)?);
        }
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

/// By bare id: the id index gives the candidate times, the time-keyed unique index the row.
pub(crate) fn decision(c: &Connection, id: &QuoteId) -> Result<Option<StoredDecision>, Fail> {
    let times = crate::id_index::candidates(c, std::slice::from_ref(id))?;
    let mut stmt = c.prepare_cached(&format!(
        "{SELECT} WHERE observed_at_ms = ?1 AND quote_id = ?2"
    ))?;
    for at in times.get(id).into_iter().flatten() {
        if let Some(found) = collect(c, &mut stmt, params![at, &id.0[..]])?.pop() {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

pub(crate) fn list(c: &Connection, q: &DecisionQuery) -> Result<Page<StoredDecision>, Fail> {
    let mut conditions: Vec<String> = Vec::new();
    let mut values: Vec<Box<dyn ToSql>> = Vec::new();
    let mut add = |sql: &str, value: Box<dyn ToSql>| {
        values.push(value);
        conditions.push(sql.replace('?', &format!("?{}", values.len())));
    };
    if let Some(s) = &q.symbol {
        add("symbol = ?", Box::new(s.as_str().to_owned()));
    }
    if let Some(s) = &q.source {
        add("source = ?", Box::new(s.clone()));
    }
    if let Some(o) = q.outcome {
        add("outcome = ?", Box::new(outcome_code(o)));
    }
    if let Some(ms) = q.since_ms {
        add("observed_at_ms >= ?", Box::new(ms));
    }
    if let Some(ms) = q.until_ms {
        add("observed_at_ms < ?", Box::new(ms));
    }
    if let Some(after) = q.after {
        values.push(Box::new(after.observed_at_ms));
        values.push(Box::new(after.seq));
        let n = values.len();
        conditions.push(format!("(observed_at_ms, seq) < (?{}, ?{n})", n - 1));
    }
    let page = q.effective_limit();
    values.push(Box::new(i64::from(page) + 1));
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "{SELECT}{filter} ORDER BY observed_at_ms DESC, seq DESC LIMIT ?{}",
        values.len()
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let mut items = collect(c, &mut stmt, params_from_iter(values.iter()))?;
    let next = if items.len() > page as usize {
        items.truncate(page as usize);
        items.last().map(|d| DecisionCursor {
            observed_at_ms: d.decision.quote.observed_at_ms,
            seq: d.seq,
        })
    } else {
        None
    };
    Ok(Page { items, next })
}

pub(crate) fn after(c: &Connection, seq: i64, n: u32) -> Result<Vec<StoredDecision>, Fail> {
    let sql = format!("{SELECT} WHERE outcome = 1 AND seq > ?1 ORDER BY seq LIMIT ?2");
    let mut stmt = c.prepare_cached(&sql)?;
    collect(c, &mut stmt, params![seq, i64::from(n)])
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

pub(crate) fn symbols(c: &Connection) -> Result<Vec<SymbolSummary>, Fail> {
    // SQLite takes bare columns from the row holding MAX(..).
    let mut stmt = c.prepare_cached(
        "SELECT symbol, last_price, MAX(last_observed_at_ms), count(*), sum(validated) \
         FROM symbol_sources GROUP BY symbol ORDER BY symbol",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let sym: String = row.get(0)?;
        let price: String = row.get(1)?;
        out.push(SymbolSummary {
            symbol: symbol("symbol", &sym)?,
            last_price: parse_dec("last price", &price)?,
            last_observed_at_ms: row.get(2)?,
            sources: unsigned("symbol sources", row.get(3)?)?,
            validated: unsigned("symbol validated", row.get(4)?)?,
        });
    }
    Ok(out)
}
