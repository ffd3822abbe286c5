//! Queries for source events, source scores and stats, peers and equivocation evidence.

use deadpool_postgres::Object;
use mdn_protocol::PublicKey;
use mdn_store::{
    Evidence, PeerRecord, PeerStat, SourceEvent, SourceEventKind, SourceScore, SourceStat,
    StoreError,
};
use tokio_postgres::Row;

use crate::convert::{count, hash32, key, limit, millis, small, time};
use crate::pool::Fail;

pub(crate) async fn record_events(c: &mut Object, events: &[SourceEvent]) -> Result<(), Fail> {
    let tx = c.transaction().await?;
    let statement = tx
        .prepare_cached(
            "INSERT INTO source_events (source, at, duration_ms, kind, quotes, message, line, \
               col, http_status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .await?;
    for e in events {
        let (mut quotes, mut message, mut line, mut col, mut status) = (
            None::<i32>,
            None::<&str>,
            None::<i32>,
            None::<i32>,
            None::<i32>,
        );
        let as_i32 = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        match &e.kind {
            SourceEventKind::Ok { quotes: n } => quotes = Some(as_i32(*n)),
            SourceEventKind::ScriptError {
                message: m,
                line: l,
                column: cl,
            } => {
                message = Some(m);
                line = l.map(as_i32);
                col = cl.map(as_i32);
            }
            SourceEventKind::Timeout => {}
            SourceEventKind::HttpError {
                status: s,
                message: m,
            } => {
                status = s.map(i32::from);
                message = Some(m);
            }
            SourceEventKind::RejectedOutput { message: m } => message = Some(m),
        }
        let at = time(e.at_ms);
        let kind = e.kind.name();
        tx.execute(
            &statement,
            &[
                &e.source,
                &at,
                &e.duration_ms,
                &kind,
                &quotes,
                &message,
                &line,
                &col,
                &status,
            ],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn event_from_row(row: &Row) -> Result<SourceEvent, Fail> {
    let kind: &str = row.try_get(3)?;
    let message = || -> Result<String, Fail> {
        let m: Option<String> = row.try_get(5)?;
        Ok(m.unwrap_or_default())
    };
    let opt_small = |i: usize| -> Result<Option<u32>, Fail> {
        let v: Option<i32> = row.try_get(i)?;
        Ok(v.map(|v| small("source event", v)).transpose()?)
    };
    let kind = match kind {
        "ok" => SourceEventKind::Ok {
            quotes: opt_small(4)?.unwrap_or(0),
        },
        "script_error" => SourceEventKind::ScriptError {
            message: message()?,
            line: opt_small(6)?,
            column: opt_small(7)?,
        },
        "timeout" => SourceEventKind::Timeout,
        "http_error" => SourceEventKind::HttpError {
            status: opt_small(8)?.map(|s| u16::try_from(s).unwrap_or(u16::MAX)),
            message: message()?,
        },
        "rejected_output" => SourceEventKind::RejectedOutput {
            message: message()?,
        },
        other => {
            return Err(
                StoreError::corrupt("source event", format!("unknown kind {other:?}")).into(),
            );
        }
    };
    Ok(SourceEvent {
        source: row.try_get(0)?,
        at_ms: millis(row.try_get(1)?),
        duration_ms: row.try_get(2)?,
        kind,
    })
}

pub(crate) async fn events(
    c: &Object,
    source: Option<&str>,
    n: u32,
) -> Result<Vec<SourceEvent>, Fail> {
    const COLS: &str = "SELECT source, at, duration_ms, kind, quotes, message, line, col, \
                        http_status FROM source_events";
    let rows = match source {
        Some(source) => {
            let sql = format!("{COLS} WHERE source = $1 ORDER BY at DESC, id DESC LIMIT $2");
            let statement = c.prepare_cached(&sql).await?;
            c.query(&statement, &[&source, &limit(n)]).await?
        }
        None => {
            let sql = format!("{COLS} ORDER BY at DESC, id DESC LIMIT $1");
            let statement = c.prepare_cached(&sql).await?;
            c.query(&statement, &[&limit(n)]).await?
        }
    };
    rows.iter().map(event_from_row).collect()
}

const SCORE_COLS: &str = "source, score, acceptance, deviation, staleness, reliability, quarantined, updated_at, symbol, \
     network_score";

pub(crate) async fn put_scores(c: &mut Object, scores: &[SourceScore]) -> Result<(), Fail> {
    let tx = c.transaction().await?;
    let current = tx
        .prepare_cached(&format!(
            "INSERT INTO source_scores ({SCORE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (source, symbol) DO UPDATE SET score = EXCLUDED.score, \
               acceptance = EXCLUDED.acceptance, deviation = EXCLUDED.deviation, \
               staleness = EXCLUDED.staleness, reliability = EXCLUDED.reliability, \
               quarantined = EXCLUDED.quarantined, updated_at = EXCLUDED.updated_at, \
               network_score = EXCLUDED.network_score"
        ))
        .await?;
    let history = tx
        .prepare_cached(&format!(
            "INSERT INTO source_score_history ({SCORE_COLS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .await?;
    for s in scores {
        let at = time(s.updated_at_ms);
        let symbol = s.symbol.clone().unwrap_or_default();
        let values: [&(dyn tokio_postgres::types::ToSql + Sync); 10] = [
            &s.source,
            &s.score,
            &s.acceptance,
            &s.deviation,
            &s.staleness,
            &s.reliability,
            &s.quarantined,
            &at,
            &symbol,
            &s.network_score,
        ];
        tx.execute(&current, &values).await?;
        tx.execute(&history, &values).await?;
    }
    tx.commit().await?;
    Ok(())
}

fn score_from_row(row: &Row) -> Result<SourceScore, Fail> {
    Ok(SourceScore {
        source: row.try_get(0)?,
        score: row.try_get(1)?,
        acceptance: row.try_get(2)?,
        deviation: row.try_get(3)?,
        staleness: row.try_get(4)?,
        reliability: row.try_get(5)?,
        quarantined: row.try_get(6)?,
        updated_at_ms: millis(row.try_get(7)?),
        symbol: Some(row.try_get::<_, String>(8)?).filter(|s| !s.is_empty()),
        network_score: row.try_get(9)?,
    })
}

pub(crate) async fn scores(c: &Object) -> Result<Vec<SourceScore>, Fail> {
    let sql = format!("SELECT {SCORE_COLS} FROM source_scores ORDER BY source, symbol");
    c.query(&sql, &[])
        .await?
        .iter()
        .map(score_from_row)
        .collect()
}

pub(crate) async fn score_history(
    c: &Object,
    source: &str,
    symbol: Option<&str>,
    since_ms: i64,
) -> Result<Vec<SourceScore>, Fail> {
    let sql = format!(
        "SELECT {SCORE_COLS} FROM source_score_history WHERE source = $1 AND symbol = $2 \
         AND updated_at >= $3 ORDER BY updated_at, id"
    );
    let statement = c.prepare_cached(&sql).await?;
    let symbol = symbol.unwrap_or_default();
    let rows = c
        .query(&statement, &[&source, &symbol, &time(since_ms)])
        .await?;
    rows.iter().map(score_from_row).collect()
}

pub(crate) async fn source_stats(c: &Object) -> Result<Vec<SourceStat>, Fail> {
    let rows = c
        .query(
            "SELECT source, symbol, validated, rejected, expired FROM source_stats \
             ORDER BY source, symbol",
            &[],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(SourceStat {
                source: r.try_get(0)?,
                symbol: r.try_get(1)?,
                validated: count("source stats", r.try_get(2)?)?,
                rejected: count("source stats", r.try_get(3)?)?,
                expired: count("source stats", r.try_get(4)?)?,
            })
        })
        .collect()
}

pub(crate) async fn put_peers(c: &mut Object, peers: &[PeerRecord]) -> Result<(), Fail> {
    let tx = c.transaction().await?;
    let statement = tx
        .prepare_cached(
            "INSERT INTO peers (peer, peer_id, reputation, validator, addresses, last_seen) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (peer) DO UPDATE SET \
               peer_id = EXCLUDED.peer_id, reputation = EXCLUDED.reputation, \
               validator = EXCLUDED.validator, addresses = EXCLUDED.addresses, \
               last_seen = EXCLUDED.last_seen",
        )
        .await?;
    for p in peers {
        let at = time(p.last_seen_ms);
        tx.execute(
            &statement,
            &[
                &&p.key.0[..],
                &p.peer_id,
                &p.reputation,
                &p.validator,
                &p.addresses,
                &at,
            ],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn peers(c: &Object) -> Result<Vec<PeerRecord>, Fail> {
    let rows = c
        .query(
            "SELECT peer, peer_id, reputation, validator, addresses, last_seen FROM peers \
             ORDER BY peer",
            &[],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(PeerRecord {
                key: key("peer key", r.try_get(0)?)?,
                peer_id: r.try_get(1)?,
                reputation: r.try_get(2)?,
                validator: r.try_get(3)?,
                addresses: r.try_get(4)?,
                last_seen_ms: millis(r.try_get(5)?),
            })
        })
        .collect()
}

pub(crate) async fn peer_stats(c: &Object) -> Result<Vec<PeerStat>, Fail> {
    let rows = c
        .query(
            "SELECT peer, proposals_validated, proposals_rejected, proposals_expired, \
               votes_agreed, votes_disagreed FROM peer_stats ORDER BY peer",
            &[],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(PeerStat {
                peer: key("peer stats key", r.try_get(0)?)?,
                proposals_validated: count("peer stats", r.try_get(1)?)?,
                proposals_rejected: count("peer stats", r.try_get(2)?)?,
                proposals_expired: count("peer stats", r.try_get(3)?)?,
                votes_agreed: count("peer stats", r.try_get(4)?)?,
                votes_disagreed: count("peer stats", r.try_get(5)?)?,
            })
        })
        .collect()
}

pub(crate) async fn record_evidence(c: &Object, e: &Evidence) -> Result<bool, Fail> {
    let n = c
        .execute(
            "INSERT INTO evidence (voter, quote_id, first, second, at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (voter, quote_id) DO NOTHING",
            &[
                &&e.voter.0[..],
                &&e.quote_id.0[..],
                &e.first,
                &e.second,
                &time(e.at_ms),
            ],
        )
        .await?;
    Ok(n == 1)
}

pub(crate) async fn evidence(c: &Object, voter: Option<PublicKey>) -> Result<Vec<Evidence>, Fail> {
    const COLS: &str = "SELECT voter, quote_id, first, second, at FROM evidence";
    let rows = match voter {
        Some(v) => {
            let sql = format!("{COLS} WHERE voter = $1 ORDER BY id");
            c.query(&sql, &[&&v.0[..]]).await?
        }
        None => c.query(&format!("{COLS} ORDER BY id"), &[]).await?,
    };
    rows.iter()
        .map(|r| {
            Ok(Evidence {
                voter: key("evidence voter", r.try_get(0)?)?,
                quote_id: hash32("evidence quote id", r.try_get(1)?)?,
                first: r.try_get(2)?,
                second: r.try_get(3)?,
                at_ms: millis(r.try_get(4)?),
            })
        })
        .collect()
}
