//! Queries for source events, source scores and stats, peers and equivocation evidence.

use mdn_protocol::PublicKey;
use mdn_store::{
    Evidence, PeerRecord, PeerStat, SourceEvent, SourceEventKind, SourceScore, SourceStat,
    StoreError,
};
use rusqlite::{Connection, Row, params};

use crate::convert::{hash32, key, unsigned};
use crate::worker::Fail;

/// Runs `map` over every row of `sql` with `params`.
pub(crate) fn all<T>(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    map: impl Fn(&Row<'_>) -> Result<T, Fail>,
) -> Result<Vec<T>, Fail> {
    let mut stmt = c.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
    }
    Ok(out)
}

pub(crate) fn record_events(c: &mut Connection, events: &[SourceEvent]) -> Result<(), Fail> {
    let tx = c.transaction()?;
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO source_events (source, at_ms, duration_ms, kind, quotes, message, line, \
               col, http_status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for e in events {
            let (mut quotes, mut message, mut line, mut col, mut status) = (
                None::<u32>,
                None::<&str>,
                None::<u32>,
                None::<u32>,
                None::<u16>,
            );
            match &e.kind {
                SourceEventKind::Ok { quotes: n } => quotes = Some(*n),
                SourceEventKind::ScriptError {
                    message: m,
                    line: l,
                    column: cl,
                } => (message, line, col) = (Some(m.as_str()), *l, *cl),
                SourceEventKind::Timeout => {}
                SourceEventKind::HttpError {
                    status: s,
                    message: m,
                } => {
                    (status, message) = (*s, Some(m.as_str()));
                }
                SourceEventKind::RejectedOutput { message: m } => message = Some(m),
            }
            stmt.execute(params![
                e.source,
                e.at_ms,
                e.duration_ms,
                e.kind.name(),
                quotes,
                message,
                line,
                col,
                status
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn event_from_row(row: &Row<'_>) -> Result<SourceEvent, Fail> {
    let kind: String = row.get(3)?;
    let message =
        || -> Result<String, Fail> { Ok(row.get::<_, Option<String>>(5)?.unwrap_or_default()) };
    let kind = match kind.as_str() {
        "ok" => SourceEventKind::Ok {
            quotes: row.get::<_, Option<u32>>(4)?.unwrap_or(0),
        },
        "script_error" => SourceEventKind::ScriptError {
            message: message()?,
            line: row.get(6)?,
            column: row.get(7)?,
        },
        "timeout" => SourceEventKind::Timeout,
        "http_error" => SourceEventKind::HttpError {
            status: row.get(8)?,
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
        source: row.get(0)?,
        at_ms: row.get(1)?,
        duration_ms: row.get(2)?,
        kind,
    })
}

pub(crate) fn events(
    c: &Connection,
    source: Option<&str>,
    n: u32,
) -> Result<Vec<SourceEvent>, Fail> {
    const COLS: &str = "SELECT source, at_ms, duration_ms, kind, quotes, message, line, col, \
                        http_status FROM source_events";
    match source {
        Some(s) => all(
            c,
            &format!("{COLS} WHERE source = ?1 ORDER BY at_ms DESC, id DESC LIMIT ?2"),
            params![s, n],
            event_from_row,
        ),
        None => all(
            c,
            &format!("{COLS} ORDER BY at_ms DESC, id DESC LIMIT ?1"),
            params![n],
            event_from_row,
        ),
    }
}

const SCORE_COLS: &str = "source, score, acceptance, deviation, staleness, reliability, quarantined, updated_at_ms, \
     symbol, network_score";

pub(crate) fn put_scores(c: &mut Connection, scores: &[SourceScore]) -> Result<(), Fail> {
    let tx = c.transaction()?;
    {
        let mut current = tx.prepare_cached(&format!(
            "INSERT OR REPLACE INTO source_scores ({SCORE_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, \
             ?7, ?8, ?9, ?10)"
        ))?;
        let mut history = tx.prepare_cached(&format!(
            "INSERT INTO source_score_history ({SCORE_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, \
             ?8, ?9, ?10)"
        ))?;
        for s in scores {
            let values = params![
                s.source,
                s.score,
                s.acceptance,
                s.deviation,
                s.staleness,
                s.reliability,
                s.quarantined,
                s.updated_at_ms,
                s.symbol.clone().unwrap_or_default(),
                s.network_score
            ];
            current.execute(values)?;
            history.execute(values)?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn score_from_row(r: &Row<'_>) -> Result<SourceScore, Fail> {
    Ok(SourceScore {
        source: r.get(0)?,
        score: r.get(1)?,
        acceptance: r.get(2)?,
        deviation: r.get(3)?,
        staleness: r.get(4)?,
        reliability: r.get(5)?,
        quarantined: r.get(6)?,
        updated_at_ms: r.get(7)?,
        symbol: Some(r.get::<_, String>(8)?).filter(|s| !s.is_empty()),
        network_score: r.get(9)?,
    })
}

pub(crate) fn scores(c: &Connection) -> Result<Vec<SourceScore>, Fail> {
    let sql = format!("SELECT {SCORE_COLS} FROM source_scores ORDER BY source, symbol");
    all(c, &sql, [], score_from_row)
}

pub(crate) fn score_history(
    c: &Connection,
    source: &str,
    symbol: Option<&str>,
    since_ms: i64,
) -> Result<Vec<SourceScore>, Fail> {
    let sql = format!(
        "SELECT {SCORE_COLS} FROM source_score_history WHERE source = ?1 AND symbol = ?2 \
         AND updated_at_ms >= ?3 ORDER BY updated_at_ms, id"
    );
    let symbol = symbol.unwrap_or_default();
    all(c, &sql, params![source, symbol, since_ms], score_from_row)
}

/// The folded source stats plus the effect journal's.
pub(crate) fn source_stats(c: &Connection) -> Result<Vec<SourceStat>, Fail> {
    let folded = all(
        c,
        "SELECT source, symbol, validated, rejected, expired FROM source_stats \
         ORDER BY source, symbol",
        [],
        |r| {
            Ok(SourceStat {
                source: r.get(0)?,
                symbol: r.get(1)?,
                validated: unsigned("source stats", r.get(2)?)?,
                rejected: unsigned("source stats", r.get(3)?)?,
                expired: unsigned("source stats", r.get(4)?)?,
            })
        },
    )?;
    let pending = crate::effect_journal::pending(c)?;
    Ok(mdn_store::overlay::source_stats(folded, &pending)?)
}

pub(crate) fn put_peers(c: &mut Connection, peers: &[PeerRecord]) -> Result<(), Fail> {
    let tx = c.transaction()?;
    {
        let mut stmt = tx.prepare_cached(
            "INSERT OR REPLACE INTO peers (peer, peer_id, reputation, validator, addresses, \
               last_seen_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for p in peers {
            let addresses = serde_json::to_string(&p.addresses)
                .map_err(|e| StoreError::backend("encoding peer addresses", e))?;
            stmt.execute(params![
                &p.key.0[..],
                p.peer_id,
                p.reputation,
                p.validator,
                addresses,
                p.last_seen_ms
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

pub(crate) fn peers(c: &Connection) -> Result<Vec<PeerRecord>, Fail> {
    all(
        c,
        "SELECT peer, peer_id, reputation, validator, addresses, last_seen_ms FROM peers \
         ORDER BY peer",
        [],
        |r| {
            let addresses: String = r.get(4)?;
            Ok(PeerRecord {
                key: key("peer key", &r.get::<_, Vec<u8>>(0)?)?,
                peer_id: r.get(1)?,
                reputation: r.get(2)?,
                validator: r.get(3)?,
                addresses: serde_json::from_str(&addresses)
                    .map_err(|e| StoreError::corrupt("peer addresses", e))?,
                last_seen_ms: r.get(5)?,
            })
        },
    )
}

/// The folded peer stats plus the effect journal's.
pub(crate) fn peer_stats(c: &Connection) -> Result<Vec<PeerStat>, Fail> {
    let folded = all(
        c,
        "SELECT peer, proposals_validated, proposals_rejected, proposals_expired, votes_agreed, \
           votes_disagreed FROM peer_stats ORDER BY peer",
        [],
        |r| {
            Ok(PeerStat {
                peer: key("peer stats key", &r.get::<_, Vec<u8>>(0)?)?,
                proposals_validated: unsigned("peer stats", r.get(1)?)?,
                proposals_rejected: unsigned("peer stats", r.get(2)?)?,
                proposals_expired: unsigned("peer stats", r.get(3)?)?,
                votes_agreed: unsigned("peer stats", r.get(4)?)?,
                votes_disagreed: unsigned("peer stats", r.get(5)?)?,
            })
        },
    )?;
    let pending = crate::effect_journal::pending(c)?;
    Ok(mdn_store::overlay::peer_stats(folded, &pending)?)
}

pub(crate) fn record_evidence(c: &Connection, e: &Evidence) -> Result<bool, Fail> {
    let mut stmt = c.prepare_cached(
        "INSERT INTO evidence (voter, quote_id, first, second, at_ms) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (voter, quote_id) DO NOTHING",
    )?;
    let n = stmt.execute(params![
        &e.voter.0[..],
        &e.quote_id.0[..],
        e.first,
        e.second,
        e.at_ms
    ])?;
    Ok(n == 1)
}

pub(crate) fn evidence(c: &Connection, voter: Option<PublicKey>) -> Result<Vec<Evidence>, Fail> {
    const COLS: &str = "SELECT voter, quote_id, first, second, at_ms FROM evidence";
    let map = |r: &Row<'_>| -> Result<Evidence, Fail> {
        Ok(Evidence {
            voter: key("evidence voter", &r.get::<_, Vec<u8>>(0)?)?,
            quote_id: hash32("evidence quote id", &r.get::<_, Vec<u8>>(1)?)?,
            first: r.get(2)?,
            second: r.get(3)?,
            at_ms: r.get(4)?,
        })
    };
    match voter {
        Some(v) => all(
            c,
            &format!("{COLS} WHERE voter = ?1 ORDER BY id"),
            params![&v.0[..]],
            map,
        ),
        None => all(c, &format!("{COLS} ORDER BY id"), [], map),
    }
}
