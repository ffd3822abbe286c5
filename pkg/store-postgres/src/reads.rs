//! Decision queries: by id, filtered pages, catch-up sync, counts and the symbol summary.

use std::collections::HashSet;

use deadpool_postgres::Object;
use mdn_protocol::{Decision, Quote, QuoteId};
use mdn_store::certstore::{
    BatchBook, Unresolved, complete, decode_stored, referenced_batches, without_certificates,
};
use mdn_store::decisions::outcome_from_code;
use mdn_store::{DecisionCounts, DecisionQuery, Page, StoreError, StoredDecision, SymbolSummary};
use rust_decimal::Decimal;
use tokio_postgres::Row;

use crate::convert::{count, hash32, key, limit, millis, symbol, time};
use crate::lists::{ListFilter, SELECT};
use crate::pool::Fail;

/// Turns a row selected with `SELECT` back into a stored decision.
fn decision_from_row(row: &Row) -> Result<Unresolved, Fail> {
    let outcome_code: i16 = row.try_get(11)?;
    let outcome = outcome_from_code(i64::from(outcome_code)).ok_or_else(|| {
        StoreError::corrupt("decision", format!("unknown outcome {outcome_code}"))
    })?;
    let certificate: Option<&[u8]> = row.try_get(13)?;
    let certificate = certificate.map(decode_stored).transpose()?;
    let quote = Quote {
        symbol: symbol("decision symbol", row.try_get(1)?)?,
        source: row.try_get(2)?,
        price: row.try_get(3)?,
        bid: row.try_get(4)?,
        ask: row.try_get(5)?,
        volume: row.try_get(6)?,
        observed_at_ms: millis(row.try_get(7)?),
        script_hash: hash32("script hash", row.try_get(8)?)?,
        evidence_hash: hash32("evidence hash", row.try_get(9)?)?,
        proposer: key("proposer", row.try_get(10)?)?,
    };
    let stored = StoredDecision {
        seq: row.try_get(0)?,
        decision: Decision {
            quote,
            outcome,
            decided_at_ms: millis(row.try_get(12)?),
            certificate: None,
        },
    };
    Ok((stored, certificate))
}

/// Decisions from rows selected with `SELECT`, their certificates rebuilt when `certificates` says
/// so (the vote batches they refer to read in one query).
async fn decisions(
    c: &Object,
    rows: &[Row],
    certificates: bool,
) -> Result<Vec<StoredDecision>, Fail> {
    let out = rows
        .iter()
        .map(decision_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    if !certificates {
        return Ok(without_certificates(out));
    }
    let ids = referenced_batches(out.iter().filter_map(|(_, c)| c.as_ref()));
    let mut book = BatchBook::default();
    if !ids.is_empty() {
        let statement = c
            .prepare_cached("SELECT id, batch FROM vote_batches WHERE id = ANY($1::int8[])")
            .await?;
        for row in &c.query(&statement, &[&ids]).await? {
            book.insert(row.try_get(0)?, row.try_get(1)?)?;
        }
    }
    Ok(complete(out, &book)?)
}

pub(crate) async fn decision(c: &Object, id: &QuoteId) -> Result<Option<StoredDecision>, Fail> {
    let statement = c
        .prepare_cached(&format!("{SELECT} WHERE quote_id = $1"))
        .await?;
    let rows = c.query(&statement, &[&&id.0[..]]).await?;
    Ok(decisions(c, &rows, true).await?.pop())
}

/// One page of decisions, newest first. A list of one symbol walks `decisions_symbol_time`; a list
/// of all symbols reads through growing time windows ([`crate::windows`]), since PostgreSQL keeps
/// only a BRIN index on observation time.
pub(crate) async fn list(c: &Object, q: &DecisionQuery) -> Result<Page<StoredDecision>, Fail> {
    let page = q.effective_limit();
    let fetch = limit(page) + 1;
    let filter = ListFilter::new(q);
    let rows = if q.symbol.is_some() {
        filter.page(c, None, fetch).await?
    } else {
        let Some(anchor) = anchor(c, q).await? else {
            return Ok(Page::from_one_past(Vec::new(), page));
        };
        let mut rows = Vec::new();
        for lower in crate::windows::lower_bounds(anchor, q.since_ms) {
            rows = filter.page(c, lower.map(time).as_ref(), fetch).await?;
            if rows.len() as i64 >= fetch {
                break;
            }
        }
        rows
    };
    let items = decisions(c, &rows, q.certificates).await?;
    Ok(Page::from_one_past(items, page))
}

/// The newest observation time a list can return: its cursor's, just before its `until`, or, with
/// neither, that of the newest stored decision (`None`: nothing is stored). Newer rows still count
/// when there is no upper bound; the anchor only places the windows.
async fn anchor(c: &Object, q: &DecisionQuery) -> Result<Option<i64>, Fail> {
    let cursor = q.after.map(|a| a.observed_at_ms);
    let until = q.until_ms.map(|u| u.saturating_sub(1));
    if let Some(bound) = cursor.into_iter().chain(until).min() {
        return Ok(Some(bound));
    }
    let statement = c
        .prepare_cached("SELECT observed_at FROM decisions ORDER BY seq DESC LIMIT 1")
        .await?;
    let row = c.query_opt(&statement, &[]).await?;
    Ok(row.map(|r| r.try_get(0).map(millis)).transpose()?)
}

pub(crate) async fn after(c: &Object, seq: i64, n: u32) -> Result<Vec<StoredDecision>, Fail> {
    let sql = format!("{SELECT} WHERE outcome = 1 AND seq > $1 ORDER BY seq LIMIT $2");
    let statement = c.prepare_cached(&sql).await?;
    let rows = c.query(&statement, &[&seq, &limit(n)]).await?;
    decisions(c, &rows, true).await
}

pub(crate) async fn ids_after(c: &Object, seq: i64, n: u32) -> Result<Vec<(i64, QuoteId)>, Fail> {
    let statement = c
        .prepare_cached(
            "SELECT seq, quote_id FROM decisions WHERE outcome = 1 AND seq > $1 ORDER BY seq LIMIT $2",
        )
        .await?;
    let rows = c.query(&statement, &[&seq, &limit(n)]).await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, hash32("quote id", r.try_get(1)?)?)))
        .collect()
}

pub(crate) async fn validated_ids(c: &Object) -> Result<Vec<QuoteId>, Fail> {
    let rows = c
        .query(
            "SELECT quote_id FROM decisions WHERE outcome = 1 ORDER BY seq",
            &[],
        )
        .await?;
    rows.iter()
        .map(|r| Ok(hash32("quote id", r.try_get(0)?)?))
        .collect()
}

pub(crate) async fn validated_among(c: &Object, ids: &[QuoteId]) -> Result<HashSet<QuoteId>, Fail> {
    let keys: Vec<&[u8]> = ids.iter().map(|id| &id.0[..]).collect();
    let rows = c.query(crate::lookups::VALIDATED_AMONG, &[&keys]).await?;
    rows.iter()
        .map(|r| Ok(hash32("quote id", r.try_get(0)?)?))
        .collect()
}

pub(crate) async fn counts(c: &Object) -> Result<DecisionCounts, Fail> {
    let rows = c
        .query(
            // Maintained by every commit, so this never scans the decisions.
            "SELECT outcome, count FROM decision_totals",
            &[],
        )
        .await?;
    let mut out = DecisionCounts::default();
    for row in rows {
        let code: i16 = row.try_get(0)?;
        let n = count("decision count", row.try_get(1)?)?;
        match outcome_from_code(i64::from(code)) {
            Some(mdn_protocol::Outcome::Validated) => out.validated = n,
            Some(mdn_protocol::Outcome::Rejected) => out.rejected = n,
            Some(mdn_protocol::Outcome::Expired) => out.expired = n,
            None => return Err(StoreError::corrupt("decision", format!("outcome {code}")).into()),
        }
    }
    Ok(out)
}

pub(crate) async fn symbols(c: &Object) -> Result<Vec<SymbolSummary>, Fail> {
    let rows = c
        .query(
            "SELECT symbol, (array_agg(last_price ORDER BY last_observed_at DESC))[1], \
               max(last_observed_at), count(*), sum(validated)::int8 \
             FROM symbol_sources GROUP BY symbol ORDER BY symbol",
            &[],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let price: Decimal = row.try_get(1)?;
            let sources = count("symbol sources", row.try_get(3)?)?;
            Ok(SymbolSummary {
                symbol: symbol("symbol", row.try_get(0)?)?,
                last_price: price,
                last_observed_at_ms: millis(row.try_get(2)?),
                sources: u32::try_from(sources).unwrap_or(u32::MAX),
                validated: count("symbol validated", row.try_get(4)?)?,
            })
        })
        .collect()
}
