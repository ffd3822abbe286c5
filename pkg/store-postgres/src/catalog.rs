//! Queries for consensus prices, installed scripts and sync cursors.

use deadpool_postgres::Object;
use mdn_protocol::{Hash32, Symbol};
use mdn_store::{PricePoint, ScriptRecord};
use tokio_postgres::Row;

use crate::convert::{hash32, key, limit, millis, small, symbol, time};
use crate::pool::Fail;

pub(crate) async fn put_prices(c: &mut Object, points: &[PricePoint]) -> Result<(), Fail> {
    let tx = c.transaction().await?;
    let statement = tx
        .prepare_cached(
            "INSERT INTO prices (symbol, interval_start, price, confidence, sources) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (symbol, interval_start) DO UPDATE SET \
               price = EXCLUDED.price, confidence = EXCLUDED.confidence, \
               sources = EXCLUDED.sources",
        )
        .await?;
    for p in points {
        let sources = i32::try_from(p.sources).unwrap_or(i32::MAX);
        let at = time(p.interval_start_ms);
        tx.execute(
            &statement,
            &[&p.symbol.as_str(), &at, &p.price, &p.confidence, &sources],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn prices(
    c: &Object,
    sym: &Symbol,
    since_ms: i64,
    n: u32,
) -> Result<Vec<PricePoint>, Fail> {
    let statement = c
        .prepare_cached(
            "SELECT symbol, interval_start, price, confidence, sources FROM ( \
               SELECT * FROM prices WHERE symbol = $1 AND interval_start >= $2 \
               ORDER BY interval_start DESC LIMIT $3) p ORDER BY interval_start",
        )
        .await?;
    let rows = c
        .query(&statement, &[&sym.as_str(), &time(since_ms), &limit(n)])
        .await?;
    rows.iter()
        .map(|r| {
            Ok(PricePoint {
                symbol: symbol("price symbol", r.try_get(0)?)?,
                interval_start_ms: millis(r.try_get(1)?),
                price: r.try_get(2)?,
                confidence: r.try_get(3)?,
                sources: small("price sources", r.try_get(4)?)?,
            })
        })
        .collect()
}

const SCRIPT_COLS: &str = "hash, name, version, author, manifest_json, body, trusted, \
     installed_at, installed_by, trusted_at, trusted_by";

pub(crate) async fn put_script(c: &Object, s: &ScriptRecord) -> Result<bool, Fail> {
    let sql = format!(
        "INSERT INTO scripts AS s ({SCRIPT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
           $10, $11) \
         ON CONFLICT (hash) DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version, \
           author = EXCLUDED.author, manifest_json = EXCLUDED.manifest_json, \
           body = EXCLUDED.body, trusted = EXCLUDED.trusted, \
           installed_at = EXCLUDED.installed_at, installed_by = EXCLUDED.installed_by, \
           trusted_at = EXCLUDED.trusted_at, trusted_by = EXCLUDED.trusted_by \
         RETURNING (s.xmax = 0)"
    );
    let author = s.author.as_ref().map(|a| &a.0[..]);
    let row = c
        .query_one(
            &sql,
            &[
                &&s.hash.0[..],
                &s.name,
                &s.version,
                &author,
                &s.manifest_json,
                &s.body,
                &s.trusted,
                &time(s.installed_at_ms),
                &s.installed_by,
                &s.trusted_at_ms.map(time),
                &s.trusted_by,
            ],
        )
        .await?;
    Ok(row.try_get(0)?)
}

fn script_from_row(r: &Row) -> Result<ScriptRecord, Fail> {
    let author: Option<&[u8]> = r.try_get(3)?;
    let trusted_at: Option<std::time::SystemTime> = r.try_get(9)?;
    Ok(ScriptRecord {
        hash: hash32("script hash", r.try_get(0)?)?,
        name: r.try_get(1)?,
        version: r.try_get(2)?,
        author: author.map(|a| key("script author", a)).transpose()?,
        manifest_json: r.try_get(4)?,
        body: r.try_get(5)?,
        trusted: r.try_get(6)?,
        installed_at_ms: millis(r.try_get(7)?),
        installed_by: r.try_get(8)?,
        trusted_at_ms: trusted_at.map(millis),
        trusted_by: r.try_get(10)?,
    })
}

pub(crate) async fn scripts(c: &Object) -> Result<Vec<ScriptRecord>, Fail> {
    let sql = format!("SELECT {SCRIPT_COLS} FROM scripts ORDER BY name, version, hash");
    c.query(&sql, &[])
        .await?
        .iter()
        .map(script_from_row)
        .collect()
}

pub(crate) async fn script(c: &Object, hash: &Hash32) -> Result<Option<ScriptRecord>, Fail> {
    let sql = format!("SELECT {SCRIPT_COLS} FROM scripts WHERE hash = $1");
    let row = c.query_opt(&sql, &[&&hash.0[..]]).await?;
    row.as_ref().map(script_from_row).transpose()
}

pub(crate) async fn set_trust(
    c: &Object,
    hash: &Hash32,
    trusted: bool,
    by: &str,
    at_ms: i64,
) -> Result<bool, Fail> {
    let n = c
        .execute(
            "UPDATE scripts SET trusted = $2, \
               trusted_at = CASE WHEN $2 THEN $3::timestamptz END, \
               trusted_by = CASE WHEN $2 THEN $4::text END \
             WHERE hash = $1",
            &[&&hash.0[..], &trusted, &time(at_ms), &by],
        )
        .await?;
    Ok(n == 1)
}

pub(crate) async fn sync_cursor(c: &Object, peer: &str) -> Result<i64, Fail> {
    let row = c
        .query_opt("SELECT seq FROM sync_cursors WHERE peer_id = $1", &[&peer])
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?.unwrap_or(0))
}

pub(crate) async fn set_sync_cursor(c: &Object, peer: &str, seq: i64) -> Result<(), Fail> {
    c.execute(
        "INSERT INTO sync_cursors (peer_id, seq) VALUES ($1, $2) \
         ON CONFLICT (peer_id) DO UPDATE SET seq = EXCLUDED.seq",
        &[&peer, &seq],
    )
    .await?;
    Ok(())
}
