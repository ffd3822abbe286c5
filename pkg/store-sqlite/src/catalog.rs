//! Queries for consensus prices, installed scripts and sync cursors.

use mdn_protocol::{Hash32, Symbol};
use mdn_store::{PricePoint, ScriptRecord};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::convert::{dec, hash32, key, parse_dec, symbol};
use crate::records::all;
use crate::worker::Fail;

pub(crate) fn put_prices(c: &mut Connection, points: &[PricePoint]) -> Result<(), Fail> {
    let tx = c.transaction()?;
    {
        let mut stmt = tx.prepare_cached(
            "INSERT OR REPLACE INTO prices (symbol, interval_start_ms, price, confidence, sources) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for p in points {
            stmt.execute(params![
                p.symbol.as_str(),
                p.interval_start_ms,
                dec(&p.price),
                dec(&p.confidence),
                p.sources
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

pub(crate) fn prices(
    c: &Connection,
    sym: &Symbol,
    since_ms: i64,
    n: u32,
) -> Result<Vec<PricePoint>, Fail> {
    all(
        c,
        "SELECT symbol, interval_start_ms, price, confidence, sources FROM ( \
           SELECT * FROM prices WHERE symbol = ?1 AND interval_start_ms >= ?2 \
           ORDER BY interval_start_ms DESC LIMIT ?3) ORDER BY interval_start_ms",
        params![sym.as_str(), since_ms, n],
        |r| {
            let (s, price, confidence): (String, String, String) =
                (r.get(0)?, r.get(2)?, r.get(3)?);
            Ok(PricePoint {
                symbol: symbol("price symbol", &s)?,
                interval_start_ms: r.get(1)?,
                price: parse_dec("price", &price)?,
                confidence: parse_dec("price confidence", &confidence)?,
                sources: r.get(4)?,
            })
        },
    )
}

const SCRIPT_COLS: &str = "hash, name, version, author, manifest_json, body, trusted, \
     installed_at_ms, installed_by, trusted_at_ms, trusted_by";

pub(crate) fn put_script(c: &mut Connection, s: &ScriptRecord) -> Result<bool, Fail> {
    let tx = c.transaction()?;
    let existed = tx
        .prepare_cached("SELECT 1 FROM scripts WHERE hash = ?1")?
        .query_row(params![&s.hash.0[..]], |_| Ok(()))
        .optional()?
        .is_some();
    tx.prepare_cached(&format!(
        "INSERT OR REPLACE INTO scripts ({SCRIPT_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
         ?9, ?10, ?11)"
    ))?
    .execute(params![
        &s.hash.0[..],
        s.name,
        s.version,
        s.author.as_ref().map(|a| a.0.to_vec()),
        s.manifest_json,
        s.body,
        s.trusted,
        s.installed_at_ms,
        s.installed_by,
        s.trusted_at_ms,
        s.trusted_by
    ])?;
    tx.commit()?;
    Ok(!existed)
}

fn script_from_row(r: &Row<'_>) -> Result<ScriptRecord, Fail> {
    let author: Option<Vec<u8>> = r.get(3)?;
    Ok(ScriptRecord {
        hash: hash32("script hash", &r.get::<_, Vec<u8>>(0)?)?,
        name: r.get(1)?,
        version: r.get(2)?,
        author: author.map(|a| key("script author", &a)).transpose()?,
        manifest_json: r.get(4)?,
        body: r.get(5)?,
        trusted: r.get(6)?,
        installed_at_ms: r.get(7)?,
        installed_by: r.get(8)?,
        trusted_at_ms: r.get(9)?,
        trusted_by: r.get(10)?,
    })
}

pub(crate) fn scripts(c: &Connection) -> Result<Vec<ScriptRecord>, Fail> {
    let sql = format!("SELECT {SCRIPT_COLS} FROM scripts ORDER BY name, version, hash");
    all(c, &sql, [], script_from_row)
}

pub(crate) fn script(c: &Connection, hash: &Hash32) -> Result<Option<ScriptRecord>, Fail> {
    let sql = format!("SELECT {SCRIPT_COLS} FROM scripts WHERE hash = ?1");
    Ok(all(c, &sql, params![&hash.0[..]], script_from_row)?.pop())
}

pub(crate) fn set_trust(
    c: &Connection,
    hash: &Hash32,
    trusted: bool,
    by: &str,
    at_ms: i64,
) -> Result<bool, Fail> {
    let n = c
        .prepare_cached(
            "UPDATE scripts SET trusted = ?2, trusted_at_ms = CASE WHEN ?2 THEN ?3 END, \
           trusted_by = CASE WHEN ?2 THEN ?4 END WHERE hash = ?1",
        )?
        .execute(params![&hash.0[..], trusted, at_ms, by])?;
    Ok(n == 1)
}

pub(crate) fn sync_cursor(c: &Connection, peer: &str) -> Result<i64, Fail> {
    let seq = c
        .prepare_cached("SELECT seq FROM sync_cursors WHERE peer_id = ?1")?
        .query_row(params![peer], |r| r.get(0))
        .optional()?;
    Ok(seq.unwrap_or(0))
}

pub(crate) fn set_sync_cursor(c: &Connection, peer: &str, seq: i64) -> Result<(), Fail> {
    c.prepare_cached(
        "INSERT INTO sync_cursors (peer_id, seq) VALUES (?1, ?2) \
         ON CONFLICT (peer_id) DO UPDATE SET seq = excluded.seq",
    )?
    .execute(params![peer, seq])?;
    Ok(())
}
