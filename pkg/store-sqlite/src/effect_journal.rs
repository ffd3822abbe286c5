//! The effect journal (migration V9): a commit's score counter deltas are one JSON row here,
//! folded into `source_stats`, `peer_stats` and `symbol_sources` once [`FOLD_ROWS`] rows wait.
//!
//! Upserting the counters in every commit touched a row per (source, symbol) of the commit, and
//! with hundreds of symbols that rewrote most pages of both tables in every commit (and the
//! checkpoint copied them again). A journal row is one append; a fold upserts each key once for
//! dozens of commits. Both happen in transactions, so the counters stay exact through a crash:
//! reads add the journal's deltas to the tables ([`mdn_store::overlay`]). The decision totals are
//! still updated by every commit (one small row each).

use std::str::FromStr;

use mdn_protocol::PublicKey;
use mdn_store::StoreError;
use mdn_store::plan::{EffectDeltas, OutcomeDelta, PeerDelta, SymbolSourceDelta};
use rusqlite::{Connection, params};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::worker::Fail;

/// Journal rows from which a commit is followed by a fold: about a second of commits on a busy
/// node, few enough that reads decode them quickly.
pub(crate) const FOLD_ROWS: i64 = 32;

/// Journals `deltas`' counters (not its totals) in the commit's transaction.
pub(crate) fn append(tx: &rusqlite::Transaction<'_>, deltas: &EffectDeltas) -> Result<(), Fail> {
    if deltas.sources.is_empty() && deltas.peers.is_empty() && deltas.symbol_sources.is_empty() {
        return Ok(());
    }
    tx.prepare_cached("INSERT INTO effect_journal (deltas) VALUES (?1)")?
        .execute([encode(deltas)])?;
    Ok(())
}

/// Every journaled delta, absorbed in commit order.
pub(crate) fn pending(c: &Connection) -> Result<EffectDeltas, Fail> {
    Ok(pending_through(c)?.0)
}

/// [`pending`] and the last journal row it read.
fn pending_through(c: &Connection) -> Result<(EffectDeltas, i64), Fail> {
    let mut stmt = c.prepare_cached("SELECT id, deltas FROM effect_journal ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut out = EffectDeltas::default();
    let mut last = 0;
    while let Some(row) = rows.next()? {
        last = row.get(0)?;
        out.absorb(decode(&row.get::<_, String>(1)?)?);
    }
    Ok((out, last))
}

/// Folds the journal into the stats tables when it holds `fold_rows` rows or more. One
/// transaction: a crash leaves either the whole fold or none of it.
pub(crate) fn maintain(conn: &mut Connection, fold_rows: i64) -> Result<(), Fail> {
    let waiting: i64 = conn.query_row("SELECT count(*) FROM effect_journal", [], |r| r.get(0))?;
    if waiting < fold_rows.max(1) {
        return Ok(());
    }
    let tx = conn.transaction()?;
    let (deltas, through) = pending_through(&tx)?;
    crate::commit::apply_counters(&tx, &deltas)?;
    tx.prepare_cached("DELETE FROM effect_journal WHERE id <= ?1")?
        .execute(params![through])?;
    tx.commit()?;
    Ok(())
}

fn encode(d: &EffectDeltas) -> String {
    let sources: Vec<Value> = d
        .sources
        .iter()
        .map(|((source, symbol), o)| json!([source, symbol, o.validated, o.rejected, o.expired]))
        .collect();
    let peers: Vec<Value> = d
        .peers
        .iter()
        .map(|(peer, p)| {
            json!([
                peer.to_hex(),
                p.proposals.validated,
                p.proposals.rejected,
                p.proposals.expired,
                p.votes_agreed,
                p.votes_disagreed
            ])
        })
        .collect();
    let last: Vec<Value> = d
        .symbol_sources
        .iter()
        .map(|((symbol, source), s)| {
            json!([
                symbol,
                source,
                s.validated,
                s.last_price.to_string(),
                s.last_observed_at_ms
            ])
        })
        .collect();
    json!({ "sources": sources, "peers": peers, "symbol_sources": last }).to_string()
}

fn decode(text: &str) -> Result<EffectDeltas, Fail> {
    let bad = |why: &str| -> Fail { StoreError::corrupt("effect journal", why).into() };
    let v: Value = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
    let list = |key: &str| -> Result<&Vec<Value>, Fail> {
        v.get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| bad(&format!("no {key} list")))
    };
    let item = |e: &Value, n: usize| -> Result<Vec<Value>, Fail> {
        e.as_array()
            .filter(|a| a.len() == n)
            .cloned()
            .ok_or_else(|| bad(&format!("expected an entry of {n} values, got {e}")))
    };
    let text = |x: &Value| {
        x.as_str()
            .map(str::to_owned)
            .ok_or_else(|| bad("expected text"))
    };
    let int = |x: &Value| x.as_i64().ok_or_else(|| bad("expected an integer"));
    let mut out = EffectDeltas::default();
    for e in list("sources")? {
        let a = item(e, 5)?;
        out.sources.insert(
            (text(&a[0])?, text(&a[1])?),
            OutcomeDelta {
                validated: int(&a[2])?,
                rejected: int(&a[3])?,
                expired: int(&a[4])?,
            },
        );
    }
    for e in list("peers")? {
        let a = item(e, 6)?;
        let peer = PublicKey::from_hex(&text(&a[0])?).map_err(|e| bad(&e.to_string()))?;
        out.peers.insert(
            peer,
            PeerDelta {
                proposals: OutcomeDelta {
                    validated: int(&a[1])?,
                    rejected: int(&a[2])?,
                    expired: int(&a[3])?,
                },
                votes_agreed: int(&a[4])?,
                votes_disagreed: int(&a[5])?,
            },
        );
    }
    for e in list("symbol_sources")? {
        let a = item(e, 5)?;
        let price = Decimal::from_str(&text(&a[3])?).map_err(|e| bad(&e.to_string()))?;
        out.symbol_sources.insert(
            (text(&a[0])?, text(&a[1])?),
            SymbolSourceDelta {
                validated: int(&a[2])?,
                last_price: price,
                last_observed_at_ms: int(&a[4])?,
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_survive_the_journal_encoding() {
        let mut d = EffectDeltas::default();
        d.sources.insert(
            ("kraken".into(), "BTC/USD".into()),
            OutcomeDelta {
                validated: 3,
                rejected: 1,
                expired: 2,
            },
        );
        d.peers.insert(
            PublicKey([9; 32]),
            PeerDelta {
                proposals: OutcomeDelta {
                    validated: 1,
                    rejected: 0,
                    expired: 4,
                },
                votes_agreed: 7,
                votes_disagreed: 2,
            },
        );
        d.symbol_sources.insert(
            ("BTC/USD".into(), "kraken".into()),
            SymbolSourceDelta {
                validated: 3,
                last_price: Decimal::new(6_512_345, 2),
                last_observed_at_ms: 1_767_225_600_123,
            },
        );
        assert_eq!(decode(&encode(&d)).expect("decodes"), d);
    }

    #[test]
    fn a_damaged_row_is_reported_as_corrupt() {
        for text in [
            "{",
            "{\"sources\":[[1]],\"peers\":[],\"symbol_sources\":[]}",
            "[]",
        ] {
            assert!(
                matches!(decode(text), Err(Fail::Store(StoreError::Corrupt { .. }))),
                "{text}"
            );
        }
    }
}
