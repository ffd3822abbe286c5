//! The effect journal (migration V9): a commit's score counter deltas are one row here,
//! folded into `source_stats`, `peer_stats` and `symbol_sources` once [`FOLD_ROWS`] rows wait.
//!
//! Upserting the counters in every commit touched a row per (source, symbol) of the commit, and
//! with hundreds of symbols that rewrote most pages of both tables in every commit (and the
//! checkpoint copied them again). A journal row is one append; a fold upserts each key once for
//! dozens of commits. Both happen in transactions, so the counters stay exact through a crash:
//! reads add the journal's deltas to the tables ([`mdn_store::overlay`]). The decision totals are
//! still updated by every commit (one small row each).

use mdn_protocol::PublicKey;
use mdn_store::StoreError;
use mdn_store::plan::{EffectDeltas, OutcomeDelta, PeerDelta, SymbolSourceDelta};
use rusqlite::{Connection, TransactionBehavior};
use rust_decimal::Decimal;

use crate::worker::Fail;

/// Journal rows from which a commit is followed by a fold: about a second of commits on a busy
/// node, few enough that reads decode them quickly.
pub(crate) const FOLD_ROWS: i64 = 32;

/// What the writer knows of the journal: the sum of its rows, how many there are and the last
/// row's id, so that a fold need not read them back. Read from the journal when not known (at
/// start, after a failed fold), and at a fold whenever the journal does not hold exactly the rows
/// known (another connection wrote to it).
#[derive(Debug, Default)]
pub(crate) struct Journal {
    known: Option<Known>,
}

#[derive(Debug, Default)]
struct Known {
    sum: EffectDeltas,
    rows: i64,
    last_id: i64,
    /// The sum of the rows' ids: with `rows` and `last_id`, tells these rows from others.
    id_sum: i64,
}

impl Journal {
    /// Journals `deltas`' counters (not its totals) in the commit's transaction and returns the
    /// row's id; pass both to [`Journal::committed`] once the transaction commits.
    pub(crate) fn append(
        tx: &rusqlite::Transaction<'_>,
        deltas: &EffectDeltas,
    ) -> Result<Option<i64>, Fail> {
        if deltas.sources.is_empty() && deltas.peers.is_empty() && deltas.symbol_sources.is_empty()
        {
            return Ok(None);
        }
        tx.prepare_cached("INSERT INTO effect_journal (deltas) VALUES (?1)")?
            .execute([encode(deltas)])?;
        Ok(Some(tx.last_insert_rowid()))
    }

    /// A commit that journaled `deltas` as row `id` is durable.
    pub(crate) fn committed(&mut self, mut deltas: EffectDeltas, id: i64) {
        if let Some(known) = &mut self.known {
            deltas.totals = mdn_store::plan::OutcomeTotals::default();
            known.sum.absorb(deltas);
            known.rows += 1;
            known.last_id = id;
            known.id_sum = known.id_sum.wrapping_add(id);
        }
    }

    /// Folds the journal into the stats tables when it holds `fold_rows` rows or more. One
    /// transaction, which takes the write lock first: a crash leaves either the whole fold or none
    /// of it, and the rows it deletes are exactly the rows it added up.
    pub(crate) fn maintain(&mut self, conn: &mut Connection, fold_rows: i64) -> Result<(), Fail> {
        let known = match self.known.take() {
            Some(known) => known,
            None => read(conn)?,
        };
        if known.rows < fold_rows.max(1) {
            self.known = Some(known);
            return Ok(());
        }
        // Until this commits, what the journal holds is unknown again (read back on the next try).
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let there: (i64, i64, i64) = tx.query_row(
            "SELECT count(*), COALESCE(MAX(id), 0), COALESCE(SUM(id), 0) FROM effect_journal",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let known = if there == (known.rows, known.last_id, known.id_sum) {
            known
        } else {
            read(&tx)?
        };
        crate::commit::apply_counters(&tx, &known.sum)?;
        tx.prepare_cached("DELETE FROM effect_journal WHERE id <= ?1")?
            .execute([known.last_id])?;
        tx.commit()?;
        self.known = Some(Known {
            last_id: known.last_id,
            ..Known::default()
        });
        Ok(())
    }
}

/// Every journaled delta, absorbed in commit order.
pub(crate) fn pending(c: &Connection) -> Result<EffectDeltas, Fail> {
    Ok(read(c)?.sum)
}

/// The journal's rows absorbed in order, how many, and the last row's id.
fn read(c: &Connection) -> Result<Known, Fail> {
    let mut stmt = c.prepare_cached("SELECT id, deltas FROM effect_journal ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut known = Known::default();
    while let Some(row) = rows.next()? {
        known.last_id = row.get(0)?;
        known.id_sum = known.id_sum.wrapping_add(known.last_id);
        known.rows += 1;
        known.sum.absorb(decode(&row.get::<_, Vec<u8>>(1)?)?);
    }
    Ok(known)
}

/// A row: three counted lists. Text is a u32 length and UTF-8; integers are i64 little-endian;
/// peer keys 32 bytes; prices `Decimal::serialize`'s 16 bytes.
fn encode(d: &EffectDeltas) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        64 * (d.sources.len() + d.symbol_sources.len()) + 80 * d.peers.len() + 12,
    );
    let count = |out: &mut Vec<u8>, n: usize| {
        out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
    };
    let text = |out: &mut Vec<u8>, s: &str| {
        count(out, s.len());
        out.extend_from_slice(s.as_bytes());
    };
    let int = |out: &mut Vec<u8>, v: i64| out.extend_from_slice(&v.to_le_bytes());
    count(&mut out, d.sources.len());
    for ((source, symbol), o) in &d.sources {
        text(&mut out, source);
        text(&mut out, symbol);
        for v in [o.validated, o.rejected, o.expired] {
            int(&mut out, v);
        }
    }
    count(&mut out, d.peers.len());
    for (peer, p) in &d.peers {
        out.extend_from_slice(&peer.0);
        for v in [
            p.proposals.validated,
            p.proposals.rejected,
            p.proposals.expired,
            p.votes_agreed,
            p.votes_disagreed,
        ] {
            int(&mut out, v);
        }
    }
    count(&mut out, d.symbol_sources.len());
    for ((symbol, source), s) in &d.symbol_sources {
        text(&mut out, symbol);
        text(&mut out, source);
        int(&mut out, s.validated);
        out.extend_from_slice(&s.last_price.serialize());
        int(&mut out, s.last_observed_at_ms);
    }
    out
}

/// Reads [`encode`]'s bytes.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], Fail> {
        let (head, rest) = self
            .0
            .split_first_chunk::<N>()
            .ok_or_else(|| corrupt("ends early"))?;
        self.0 = rest;
        Ok(*head)
    }

    fn count(&mut self) -> Result<usize, Fail> {
        usize::try_from(u32::from_le_bytes(self.take()?)).map_err(|_| corrupt("count"))
    }

    fn int(&mut self) -> Result<i64, Fail> {
        Ok(i64::from_le_bytes(self.take()?))
    }

    fn text(&mut self) -> Result<String, Fail> {
        let n = self.count()?;
        if self.0.len() < n {
            return Err(corrupt("ends early"));
        }
        let (bytes, rest) = self.0.split_at(n);
        self.0 = rest;
        String::from_utf8(bytes.to_vec()).map_err(|_| corrupt("text is not UTF-8"))
    }
}

fn corrupt(why: &str) -> Fail {
    StoreError::corrupt("effect journal", why).into()
}

fn decode(bytes: &[u8]) -> Result<EffectDeltas, Fail> {
    let mut r = Reader(bytes);
    let mut out = EffectDeltas::default();
    for _ in 0..r.count()? {
        let key = (r.text()?, r.text()?);
        let delta = OutcomeDelta {
            validated: r.int()?,
            rejected: r.int()?,
            expired: r.int()?,
        };
        out.sources.insert(key, delta);
    }
    for _ in 0..r.count()? {
        let peer = PublicKey(r.take()?);
        let delta = PeerDelta {
            proposals: OutcomeDelta {
                validated: r.int()?,
                rejected: r.int()?,
                expired: r.int()?,
            },
            votes_agreed: r.int()?,
            votes_disagreed: r.int()?,
        };
        out.peers.insert(peer, delta);
    }
    for _ in 0..r.count()? {
        let key = (r.text()?, r.text()?);
        let delta = SymbolSourceDelta {
            validated: r.int()?,
            last_price: Decimal::deserialize(r.take()?),
            last_observed_at_ms: r.int()?,
        };
        out.symbol_sources.insert(key, delta);
    }
    if !r.0.is_empty() {
        return Err(corrupt("bytes after the last entry"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> EffectDeltas {
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
        d
    }

    #[test]
    fn deltas_survive_the_journal_encoding() {
        let d = sample();
        assert_eq!(decode(&encode(&d)).expect("decodes"), d);
        assert_eq!(
            decode(&encode(&EffectDeltas::default())).expect("decodes"),
            EffectDeltas::default()
        );
    }

    #[test]
    fn a_damaged_row_is_reported_as_corrupt() {
        let whole = encode(&sample());
        for bytes in [&whole[..whole.len() - 1], &[1, 0, 0, 0, 9][..], &[][..]] {
            assert!(
                matches!(decode(bytes), Err(Fail::Store(StoreError::Corrupt { .. }))),
                "{bytes:?}"
            );
        }
        let mut longer = whole.clone();
        longer.push(0);
        assert!(decode(&longer).is_err(), "trailing bytes");
    }
}
