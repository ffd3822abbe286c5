//! Batched, idempotent decision commits. Small batches: one `INSERT .. SELECT FROM UNNEST ..
//! ON CONFLICT DO UPDATE (expired -> validated) RETURNING`. Large batches: binary COPY of the rows
//! straight into `decisions`, first trusting that none is stored yet (the usual case: the tally
//! decides each quote once); when the primary key says otherwise, the transaction is rolled back
//! and done again with an id lookup first, copying only the new rows and upgrading expired ones
//! with one `UPDATE`. Either way only the rows actually inserted or upgraded get their effects
//! added, in the same transaction. Commits are serialized by an advisory lock, so seq order is
//! commit order and nothing can insert between the lookup and the COPY.

use std::borrow::Cow;
use std::collections::HashMap;
use std::pin::pin;
use std::time::{Duration, SystemTime};

use deadpool_postgres::{Object, Pool, Timeouts, Transaction};
use mdn_protocol::{Outcome, QuoteId};
use mdn_store::CommitReport;
use mdn_store::certstore::PlannedBatch;
use mdn_store::decisions::outcome_code;
use mdn_store::plan::{EffectDeltas, OutcomeTotals, Plan, PlannedDecision};
use rust_decimal::Decimal;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{ToSql, Type};

use crate::convert::time;
use crate::pool::Fail;

/// Batches of at least this many rows use binary COPY.
pub(crate) const COPY_THRESHOLD: usize = 512;

/// Batches of at least this many rows are copied over two connections at once.
pub(crate) const SPLIT_THRESHOLD: usize = 2 * COPY_THRESHOLD;

/// Advisory lock key serializing commits ("mdncommt").
const COMMIT_LOCK: i64 = 0x6d64_6e63_6f6d_6d74;

/// Advisory lock key held by the helper half of a split commit ("mdnhelpr"). Every other commit
/// takes it after [`COMMIT_LOCK`], so it also waits for the helper of a split commit whose main
/// half died (a killed process) to end.
const HELPER_LOCK: i64 = 0x6d64_6e68_656c_7072;

const COLUMNS: &str = "quote_id, symbol, source, price, bid, ask, volume, observed_at, \
     script_hash, evidence_hash, proposer, outcome, decided_at, certificate";

const UPSERT_TAIL: &str = "ON CONFLICT (quote_id) DO UPDATE SET \
       seq = nextval('decision_seq'), outcome = EXCLUDED.outcome, \
       decided_at = EXCLUDED.decided_at, certificate = EXCLUDED.certificate \
     WHERE d.outcome = 3 AND EXCLUDED.outcome = 1 \
     RETURNING d.quote_id, (d.xmax = 0) AS inserted";

/// How a COPY commit learns which rows are stored already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    /// Assume none is: copy every row, and let the primary key refuse the batch if one is.
    NoneStored,
    /// Look the ids up first.
    LookUp,
}

/// Commits `plan`: in one transaction on `client`, or, for a batch of [`SPLIT_THRESHOLD`] rows or
/// more when the pool has a second connection free, over two connections at once
/// ([`crate::split`]). A COPY batch is first written trusting that none of its rows is stored; if
/// the primary key finds one that is, that attempt commits nothing and the batch is committed again
/// on `client` alone with an id lookup first.
pub(crate) async fn commit_once(
    client: &mut Object,
    pool: &Pool,
    plan: &Plan<'_>,
) -> Result<CommitReport, Fail> {
    if plan.rows.len() >= COPY_THRESHOLD {
        let attempt = match spare_connection(pool, plan).await {
            Some(mut helper) => crate::split::commit_split(client, &mut helper, plan).await,
            None => commit_with(client, plan, Known::NoneStored).await,
        };
        match attempt {
            Err(Fail::Pg(e)) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                tracing::debug!("some of a COPY batch is stored already: looking the ids up");
            }
            other => return other,
        }
    }
    commit_with(client, plan, Known::LookUp).await
}

/// A second connection for a split commit: only for a batch worth splitting, and only one the
/// pool has free now (waiting could deadlock commits holding one connection each).
async fn spare_connection(pool: &Pool, plan: &Plan<'_>) -> Option<Object> {
    if plan.rows.len() < SPLIT_THRESHOLD {
        return None;
    }
    let now = Timeouts {
        wait: Some(Duration::ZERO),
        ..Timeouts::default()
    };
    pool.timeout_get(&now).await.ok()
}

async fn commit_with(
    client: &mut Object,
    plan: &Plan<'_>,
    known: Known,
) -> Result<CommitReport, Fail> {
    let tx = client.transaction().await?;
    lock(&tx).await?;
    let batch_ids = store_batches(&tx, &plan.batches).await?;
    let blobs = blobs(plan, &batch_ids)?;
    let returned = if plan.rows.len() >= COPY_THRESHOLD {
        insert_copy(&tx, plan, &blobs, known).await?
    } else {
        insert_unnest(&tx, plan, &blobs).await?
    };
    let by_id: HashMap<QuoteId, &PlannedDecision<'_>> =
        plan.rows.iter().map(|row| (row.id, row)).collect();
    let mut report = CommitReport::default();
    let mut deltas = EffectDeltas::default();
    for (id, inserted) in returned {
        if let Some(row) = by_id.get(&id) {
            if inserted {
                deltas.add(row.commit);
                report.inserted += 1;
            } else {
                deltas.add_upgrade(row.commit);
                report.upgraded += 1;
            }
        }
    }
    let applied = report.inserted + report.upgraded;
    report.unchanged = plan.rows.len() as u64 - applied + plan.collapsed;
    apply_deltas(&tx, &deltas).await?;
    tx.commit().await?;
    Ok(report)
}

/// Takes the commit locks, held to the end of `tx`.
async fn lock(tx: &Transaction<'_>) -> Result<(), Fail> {
    tx.execute(
        "SELECT pg_advisory_xact_lock($1), pg_advisory_xact_lock($2)",
        &[&COMMIT_LOCK, &HELPER_LOCK],
    )
    .await?;
    Ok(())
}

/// Takes the locks of a split commit: the commit lock on the main half's transaction, then the
/// helper lock on the helper's.
pub(crate) async fn lock_split(
    main: &Transaction<'_>,
    helper: &Transaction<'_>,
) -> Result<(), Fail> {
    main.execute("SELECT pg_advisory_xact_lock($1)", &[&COMMIT_LOCK])
        .await?;
    helper
        .execute("SELECT pg_advisory_xact_lock($1)", &[&HELPER_LOCK])
        .await?;
    Ok(())
}

/// Each row's certificate blob, given the ids of the plan's vote batches.
pub(crate) fn blobs<'p>(
    plan: &'p Plan<'_>,
    batch_ids: &[i64],
) -> Result<Vec<Option<Cow<'p, [u8]>>>, Fail> {
    Ok(plan
        .rows
        .iter()
        .map(|row| {
            row.certificate
                .as_ref()
                .map(|c| c.blob(batch_ids))
                .transpose()
        })
        .collect::<Result<Vec<_>, _>>()?)
}

/// Each row of `plan` with its certificate blob.
pub(crate) fn with_blobs<'p, 'b>(
    plan: &'p Plan<'_>,
    blobs: &'b [Option<Cow<'_, [u8]>>],
) -> Vec<(&'p PlannedDecision<'p>, Option<&'b [u8]>)> {
    plan.rows
        .iter()
        .zip(blobs.iter().map(Option::as_deref))
        .collect()
}

/// Column vectors of a plan, for UNNEST.
struct Columns<'a> {
    ids: Vec<&'a [u8]>,
    symbols: Vec<&'a str>,
    sources: Vec<&'a str>,
    prices: Vec<Decimal>,
    bids: Vec<Option<Decimal>>,
    asks: Vec<Option<Decimal>>,
    volumes: Vec<Option<Decimal>>,
    observed: Vec<SystemTime>,
    scripts: Vec<&'a [u8]>,
    evidence: Vec<&'a [u8]>,
    proposers: Vec<&'a [u8]>,
    outcomes: Vec<i16>,
    decided: Vec<SystemTime>,
    certificates: Vec<Option<&'a [u8]>>,
}

impl<'a> Columns<'a> {
    fn new(plan: &'a Plan<'_>, blobs: &'a [Option<Cow<'_, [u8]>>]) -> Self {
        let rows = &plan.rows;
        let q = |row: &'a PlannedDecision<'_>| &row.commit.decision.quote;
        Self {
            ids: rows.iter().map(|r| &r.id.0[..]).collect(),
            symbols: rows.iter().map(|r| q(r).symbol.as_str()).collect(),
            sources: rows.iter().map(|r| q(r).source.as_str()).collect(),
            prices: rows.iter().map(|r| q(r).price).collect(),
            bids: rows.iter().map(|r| q(r).bid).collect(),
            asks: rows.iter().map(|r| q(r).ask).collect(),
            volumes: rows.iter().map(|r| q(r).volume).collect(),
            observed: rows.iter().map(|r| time(q(r).observed_at_ms)).collect(),
            scripts: rows.iter().map(|r| &q(r).script_hash.0[..]).collect(),
            evidence: rows.iter().map(|r| &q(r).evidence_hash.0[..]).collect(),
            proposers: rows.iter().map(|r| &q(r).proposer.0[..]).collect(),
            outcomes: rows
                .iter()
                .map(|r| outcome_code(r.commit.decision.outcome))
                .collect(),
            decided: rows
                .iter()
                .map(|r| time(r.commit.decision.decided_at_ms))
                .collect(),
            certificates: blobs.iter().map(Option::as_deref).collect(),
        }
    }
}

async fn insert_unnest(
    tx: &Transaction<'_>,
    plan: &Plan<'_>,
    blobs: &[Option<Cow<'_, [u8]>>],
) -> Result<Vec<(QuoteId, bool)>, Fail> {
    let c = Columns::new(plan, blobs);
    let sql = format!(
        "INSERT INTO decisions AS d ({COLUMNS}) \
         SELECT {COLUMNS} FROM UNNEST($1::bytea[], $2::text[], $3::text[], $4::numeric[], \
           $5::numeric[], $6::numeric[], $7::numeric[], $8::timestamptz[], $9::bytea[], \
           $10::bytea[], $11::bytea[], $12::int2[], $13::timestamptz[], $14::bytea[]) \
           WITH ORDINALITY AS u({COLUMNS}, ord) \
         ORDER BY ord {UPSERT_TAIL}"
    );
    let statement = tx.prepare_cached(&sql).await?;
    let params: [&(dyn ToSql + Sync); 14] = [
        &c.ids,
        &c.symbols,
        &c.sources,
        &c.prices,
        &c.bids,
        &c.asks,
        &c.volumes,
        &c.observed,
        &c.scripts,
        &c.evidence,
        &c.proposers,
        &c.outcomes,
        &c.decided,
        &c.certificates,
    ];
    let rows = tx.query(&statement, &params).await?;
    returned(&rows)
}

/// Large batches: binary-COPY the new rows straight into `decisions` (seq numbers reserved as one
/// block), then upgrade expired rows with one `UPDATE .. FROM UNNEST`. Which rows are new: all of
/// them when `known` says so, else an id lookup (the commit lock keeps other writers out between
/// the lookup and the COPY).
async fn insert_copy(
    tx: &Transaction<'_>,
    plan: &Plan<'_>,
    blobs: &[Option<Cow<'_, [u8]>>],
    known: Known,
) -> Result<Vec<(QuoteId, bool)>, Fail> {
    if known == Known::NoneStored {
        let rows = with_blobs(plan, blobs);
        let first_seq = reserve_seqs(tx, rows.len()).await?;
        copy_rows(tx, &rows, first_seq).await?;
        return Ok(plan.rows.iter().map(|r| (r.id, true)).collect());
    }
    let ids: Vec<&[u8]> = plan.rows.iter().map(|r| &r.id.0[..]).collect();
    let lookup = tx.prepare_cached(crate::lookups::STORED_AMONG).await?;
    let existing = tx.query(&lookup, &[&ids]).await?;
    let mut stored: HashMap<QuoteId, i16> = HashMap::with_capacity(existing.len());
    for row in &existing {
        let id: &[u8] = row.try_get(0)?;
        stored.insert(crate::convert::hash32("quote id", id)?, row.try_get(1)?);
    }
    let rows = with_blobs(plan, blobs).into_iter();
    let fresh: Vec<(&PlannedDecision<'_>, Option<&[u8]>)> = rows
        .clone()
        .filter(|(r, _)| !stored.contains_key(&r.id))
        .collect();
    let upgrades: Vec<(&PlannedDecision<'_>, Option<&[u8]>)> = rows
        .filter(|(r, _)| {
            stored.get(&r.id) == Some(&outcome_code(Outcome::Expired))
                && r.commit.decision.outcome == Outcome::Validated
        })
        .collect();
    let mut out: Vec<(QuoteId, bool)> = fresh.iter().map(|(r, _)| (r.id, true)).collect();
    if !fresh.is_empty() {
        let first_seq = reserve_seqs(tx, fresh.len()).await?;
        copy_rows(tx, &fresh, first_seq).await?;
    }
    if !upgrades.is_empty() {
        let ids: Vec<&[u8]> = upgrades.iter().map(|(r, _)| &r.id.0[..]).collect();
        let decided: Vec<SystemTime> = upgrades
            .iter()
            .map(|(r, _)| time(r.commit.decision.decided_at_ms))
            .collect();
        let certificates: Vec<Option<&[u8]>> = upgrades.iter().map(|(_, c)| *c).collect();
        let rows = tx
            .query(
                "UPDATE decisions AS d SET seq = nextval('decision_seq'), outcome = 1, \
                   decided_at = u.decided_at, certificate = u.certificate \
                 FROM UNNEST($1::bytea[], $2::timestamptz[], $3::bytea[]) \
                   AS u(quote_id, decided_at, certificate) \
                 WHERE d.quote_id = u.quote_id AND d.outcome = 3 RETURNING d.quote_id",
                &[&ids, &decided, &certificates],
            )
            .await?;
        for row in &rows {
            let id: &[u8] = row.try_get(0)?;
            out.push((crate::convert::hash32("quote id", id)?, false));
        }
    }
    Ok(out)
}

/// Reserves `n` consecutive seq numbers and returns the first.
pub(crate) async fn reserve_seqs(tx: &Transaction<'_>, n: usize) -> Result<i64, Fail> {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    let last: i64 = tx
        .query_one(
            "SELECT setval('decision_seq', nextval('decision_seq') + $1 - 1)",
            &[&n],
        )
        .await?
        .try_get(0)?;
    Ok(last - n + 1)
}

/// Binary-COPYs `rows` into `decisions`, numbered from `first_seq`.
pub(crate) async fn copy_rows(
    tx: &Transaction<'_>,
    rows: &[(&PlannedDecision<'_>, Option<&[u8]>)],
    first_seq: i64,
) -> Result<(), Fail> {
    let sink = tx
        .copy_in(&format!(
            "COPY decisions (seq, {COLUMNS}) FROM STDIN (FORMAT binary)"
        ))
        .await?;
    let types = [
        Type::INT8,
        Type::BYTEA,
        Type::TEXT,
        Type::TEXT,
        Type::NUMERIC,
        Type::NUMERIC,
        Type::NUMERIC,
        Type::NUMERIC,
        Type::TIMESTAMPTZ,
        Type::BYTEA,
        Type::BYTEA,
        Type::BYTEA,
        Type::INT2,
        Type::TIMESTAMPTZ,
        Type::BYTEA,
    ];
    let mut writer = pin!(BinaryCopyInWriter::new(sink, &types));
    for (seq, (row, certificate)) in (first_seq..).zip(rows) {
        let quote = &row.commit.decision.quote;
        let observed = time(quote.observed_at_ms);
        let decided = time(row.commit.decision.decided_at_ms);
        let outcome = outcome_code(row.commit.decision.outcome);
        let values: [&(dyn ToSql + Sync); 15] = [
            &seq,
            &&row.id.0[..],
            &quote.symbol.as_str(),
            &quote.source.as_str(),
            &quote.price,
            &quote.bid,
            &quote.ask,
            &quote.volume,
            &observed,
            &&quote.script_hash.0[..],
            &&quote.evidence_hash.0[..],
            &&quote.proposer.0[..],
            &outcome,
            &decided,
            &certificate,
        ];
        writer.as_mut().write(&values).await?;
    }
    writer.finish().await?;
    Ok(())
}

/// Stores the vote batches certificates refer to (those not stored yet) and returns their ids, in
/// the plan's order.
pub(crate) async fn store_batches(
    tx: &Transaction<'_>,
    batches: &[PlannedBatch],
) -> Result<Vec<i64>, Fail> {
    if batches.is_empty() {
        return Ok(Vec::new());
    }
    let hashes: Vec<&[u8]> = batches.iter().map(|b| &b.hash.0[..]).collect();
    let encoded: Vec<&[u8]> = batches.iter().map(|b| &b.encoded[..]).collect();
    let insert = tx
        .prepare_cached(
            "INSERT INTO vote_batches (hash, batch) SELECT * FROM UNNEST($1::bytea[], $2::bytea[]) \
             ON CONFLICT (hash) DO NOTHING",
        )
        .await?;
    tx.execute(&insert, &[&hashes, &encoded]).await?;
    let lookup = tx
        .prepare_cached("SELECT hash, id FROM vote_batches WHERE hash = ANY($1::bytea[])")
        .await?;
    let mut by_hash: HashMap<&[u8], i64> = HashMap::with_capacity(batches.len());
    let rows = tx.query(&lookup, &[&hashes]).await?;
    for row in &rows {
        by_hash.insert(row.try_get(0)?, row.try_get(1)?);
    }
    hashes
        .iter()
        .map(|h| {
            by_hash.get(h).copied().ok_or_else(|| {
                Fail::from(mdn_store::StoreError::corrupt("vote batch", "not stored"))
            })
        })
        .collect()
}

fn returned(rows: &[tokio_postgres::Row]) -> Result<Vec<(QuoteId, bool)>, Fail> {
    rows.iter()
        .map(|row| {
            let id: &[u8] = row.try_get(0)?;
            let inserted: bool = row.try_get(1)?;
            Ok((crate::convert::hash32("quote id", id)?, inserted))
        })
        .collect()
}

pub(crate) async fn apply_deltas(tx: &Transaction<'_>, deltas: &EffectDeltas) -> Result<(), Fail> {
    let t = deltas.totals;
    if t != OutcomeTotals::default() {
        let statement = tx
            .prepare_cached(
                "UPDATE decision_totals SET count = count + CASE outcome \
                   WHEN 1 THEN $1::int8 WHEN 2 THEN $2::int8 ELSE $3::int8 END",
            )
            .await?;
        tx.execute(&statement, &[&t.validated, &t.rejected, &t.expired])
            .await?;
    }
    if !deltas.sources.is_empty() {
        let (mut sources, mut symbols) = (Vec::new(), Vec::new());
        let (mut v, mut r, mut e) = (Vec::new(), Vec::new(), Vec::new());
        for ((source, symbol), d) in &deltas.sources {
            sources.push(source.as_str());
            symbols.push(symbol.as_str());
            v.push(d.validated);
            r.push(d.rejected);
            e.push(d.expired);
        }
        let statement = tx
            .prepare_cached(
                "INSERT INTO source_stats AS s (source, symbol, validated, rejected, expired) \
                 SELECT * FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::int8[], $5::int8[]) \
                 ON CONFLICT (source, symbol) DO UPDATE SET \
                   validated = s.validated + EXCLUDED.validated, \
                   rejected = s.rejected + EXCLUDED.rejected, \
                   expired = s.expired + EXCLUDED.expired",
            )
            .await?;
        tx.execute(&statement, &[&sources, &symbols, &v, &r, &e])
            .await?;
    }
    if !deltas.peers.is_empty() {
        let mut peers = Vec::new();
        let (mut pv, mut pr, mut pe, mut agreed, mut disagreed) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (peer, d) in &deltas.peers {
            peers.push(&peer.0[..]);
            pv.push(d.proposals.validated);
            pr.push(d.proposals.rejected);
            pe.push(d.proposals.expired);
            agreed.push(d.votes_agreed);
            disagreed.push(d.votes_disagreed);
        }
        let statement = tx
            .prepare_cached(
                "INSERT INTO peer_stats AS p (peer, proposals_validated, proposals_rejected, \
                   proposals_expired, votes_agreed, votes_disagreed) \
                 SELECT * FROM UNNEST($1::bytea[], $2::int8[], $3::int8[], $4::int8[], \
                   $5::int8[], $6::int8[]) \
                 ON CONFLICT (peer) DO UPDATE SET \
                   proposals_validated = p.proposals_validated + EXCLUDED.proposals_validated, \
                   proposals_rejected = p.proposals_rejected + EXCLUDED.proposals_rejected, \
                   proposals_expired = p.proposals_expired + EXCLUDED.proposals_expired, \
                   votes_agreed = p.votes_agreed + EXCLUDED.votes_agreed, \
                   votes_disagreed = p.votes_disagreed + EXCLUDED.votes_disagreed",
            )
            .await?;
        tx.execute(&statement, &[&peers, &pv, &pr, &pe, &agreed, &disagreed])
            .await?;
    }
    if !deltas.symbol_sources.is_empty() {
        let (mut symbols, mut sources, mut counts, mut prices, mut times) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for ((symbol, source), d) in &deltas.symbol_sources {
            symbols.push(symbol.as_str());
            sources.push(source.as_str());
            counts.push(d.validated);
            prices.push(d.last_price);
            times.push(time(d.last_observed_at_ms));
        }
        let statement = tx
            .prepare_cached(
                "INSERT INTO symbol_sources AS s (symbol, source, validated, last_price, \
                   last_observed_at) \
                 SELECT * FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::numeric[], \
                   $5::timestamptz[]) \
                 ON CONFLICT (symbol, source) DO UPDATE SET \
                   validated = s.validated + EXCLUDED.validated, \
                   last_price = CASE WHEN EXCLUDED.last_observed_at >= s.last_observed_at \
                     THEN EXCLUDED.last_price ELSE s.last_price END, \
                   last_observed_at = GREATEST(s.last_observed_at, EXCLUDED.last_observed_at)",
            )
            .await?;
        tx.execute(&statement, &[&symbols, &sources, &counts, &prices, &times])
            .await?;
    }
    Ok(())
}
