//! Counter deltas not yet folded into the stats tables, and how reads add them. A backend may keep
//! the effects of recent commits aside (SQLite journals them: upserting hundreds of stats rows in
//! every commit rewrote most pages of those tables each time) and fold them in later; reads then
//! add what is aside to what is folded, so they see exactly what applying every commit in turn
//! would have given. Pure: sums and merges only.

use std::collections::BTreeMap;

use mdn_protocol::{PublicKey, Symbol};
use rust_decimal::Decimal;

use crate::decisions::SymbolSummary;
use crate::error::{Result, StoreError};
use crate::plan::{EffectDeltas, SymbolSourceDelta};
use crate::records::{PeerStat, SourceStat};

/// One (symbol, source) row of the last-price table, as folded so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymbolSourceRow {
    /// The symbol.
    pub symbol: Symbol,
    /// The source.
    pub source: String,
    /// Validated decisions stored.
    pub validated: u64,
    /// Price of the latest observation.
    pub last_price: Decimal,
    /// Time of the latest observation (ms).
    pub last_observed_at_ms: i64,
}

impl EffectDeltas {
    /// Adds `later`'s deltas, as if its commit were applied after this one's: counts add up, and
    /// a (symbol, source)'s last price is `later`'s when observed at the same time or after (the
    /// rule of the stats upsert).
    pub fn absorb(&mut self, later: Self) {
        for (key, d) in later.sources {
            let e = self.sources.entry(key).or_default();
            e.validated += d.validated;
            e.rejected += d.rejected;
            e.expired += d.expired;
        }
        for (key, d) in later.peers {
            let e = self.peers.entry(key).or_default();
            e.proposals.validated += d.proposals.validated;
            e.proposals.rejected += d.proposals.rejected;
            e.proposals.expired += d.proposals.expired;
            e.votes_agreed += d.votes_agreed;
            e.votes_disagreed += d.votes_disagreed;
        }
        for (key, d) in later.symbol_sources {
            match self.symbol_sources.get_mut(&key) {
                Some(e) => merge_last(e, &d),
                None => {
                    self.symbol_sources.insert(key, d);
                }
            }
        }
        self.totals.validated += later.totals.validated;
        self.totals.rejected += later.totals.rejected;
        self.totals.expired += later.totals.expired;
    }
}

/// `earlier` followed by `later` for one (symbol, source).
fn merge_last(earlier: &mut SymbolSourceDelta, later: &SymbolSourceDelta) {
    earlier.validated += later.validated;
    if later.last_observed_at_ms >= earlier.last_observed_at_ms {
        earlier.last_observed_at_ms = later.last_observed_at_ms;
        earlier.last_price = later.last_price;
    }
}

fn add(what: &'static str, folded: u64, delta: i64) -> Result<u64> {
    i64::try_from(folded)
        .ok()
        .and_then(|f| f.checked_add(delta))
        .and_then(|n| u64::try_from(n).ok())
        .ok_or_else(|| StoreError::corrupt(what, format!("{folded} + {delta} is not a count")))
}

/// Source stats as folded plus `pending`, ordered by (source, symbol).
pub fn source_stats(folded: Vec<SourceStat>, pending: &EffectDeltas) -> Result<Vec<SourceStat>> {
    let mut by_key: BTreeMap<(String, String), SourceStat> = folded
        .into_iter()
        .map(|s| ((s.source.clone(), s.symbol.clone()), s))
        .collect();
    for ((source, symbol), d) in &pending.sources {
        let s = by_key
            .entry((source.clone(), symbol.clone()))
            .or_insert_with(|| SourceStat {
                source: source.clone(),
                symbol: symbol.clone(),
                validated: 0,
                rejected: 0,
                expired: 0,
            });
        s.validated = add("source stats", s.validated, d.validated)?;
        s.rejected = add("source stats", s.rejected, d.rejected)?;
        s.expired = add("source stats", s.expired, d.expired)?;
    }
    Ok(by_key.into_values().collect())
}

/// Peer stats as folded plus `pending`, ordered by peer key.
pub fn peer_stats(folded: Vec<PeerStat>, pending: &EffectDeltas) -> Result<Vec<PeerStat>> {
    let mut by_peer: BTreeMap<PublicKey, PeerStat> =
        folded.into_iter().map(|p| (p.peer, p)).collect();
    for (peer, d) in &pending.peers {
        let p = by_peer.entry(*peer).or_insert(PeerStat {
            peer: *peer,
            proposals_validated: 0,
            proposals_rejected: 0,
            proposals_expired: 0,
            votes_agreed: 0,
            votes_disagreed: 0,
        });
        p.proposals_validated = add("peer stats", p.proposals_validated, d.proposals.validated)?;
        p.proposals_rejected = add("peer stats", p.proposals_rejected, d.proposals.rejected)?;
        p.proposals_expired = add("peer stats", p.proposals_expired, d.proposals.expired)?;
        p.votes_agreed = add("peer stats", p.votes_agreed, d.votes_agreed)?;
        p.votes_disagreed = add("peer stats", p.votes_disagreed, d.votes_disagreed)?;
    }
    Ok(by_peer.into_values().collect())
}

/// Per-symbol summaries from the folded (symbol, source) rows plus `pending`, ordered by symbol:
/// the price of the latest observation over the symbol's sources (the first source in name order
/// among equally late ones), how many sources, and validated decisions in all.
pub fn symbol_summaries(
    folded: Vec<SymbolSourceRow>,
    pending: &EffectDeltas,
) -> Result<Vec<SymbolSummary>> {
    let mut rows: BTreeMap<(String, String), SymbolSourceRow> = folded
        .into_iter()
        .map(|r| ((r.symbol.as_str().to_owned(), r.source.clone()), r))
        .collect();
    for ((symbol, source), d) in &pending.symbol_sources {
        let validated = u64::try_from(d.validated).map_err(|_| {
            StoreError::corrupt("symbol sources", format!("{} validated", d.validated))
        })?;
        match rows.get_mut(&(symbol.clone(), source.clone())) {
            Some(r) => {
                r.validated = add("symbol sources", r.validated, d.validated)?;
                if d.last_observed_at_ms >= r.last_observed_at_ms {
                    r.last_observed_at_ms = d.last_observed_at_ms;
                    r.last_price = d.last_price;
                }
            }
            None => {
                let parsed =
                    Symbol::parse(symbol).map_err(|e| StoreError::corrupt("symbol sources", e))?;
                rows.insert(
                    (symbol.clone(), source.clone()),
                    SymbolSourceRow {
                        symbol: parsed,
                        source: source.clone(),
                        validated,
                        last_price: d.last_price,
                        last_observed_at_ms: d.last_observed_at_ms,
                    },
                );
            }
        }
    }
    let mut out: Vec<SymbolSummary> = Vec::new();
    for row in rows.into_values() {
        match out.last_mut() {
            Some(s) if s.symbol == row.symbol => {
                s.sources += 1;
                s.validated += row.validated;
                if row.last_observed_at_ms > s.last_observed_at_ms {
                    s.last_observed_at_ms = row.last_observed_at_ms;
                    s.last_price = row.last_price;
                }
            }
            _ => out.push(SymbolSummary {
                symbol: row.symbol,
                last_price: row.last_price,
                last_observed_at_ms: row.last_observed_at_ms,
                sources: 1,
                validated: row.validated,
            }),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
