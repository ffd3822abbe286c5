//! The server's shared state (market, clock, fault table) and the step every venue handler shares:
//! turning requested symbols into venue quotes with the active faults applied.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::SimexError;
use crate::clock::Clock;
use crate::fault::{FaultKind, FaultSpec, FaultTable};
use crate::market::Market;
use crate::venue::Venue;
use crate::view::VenueQuote;

/// State shared by all handlers.
#[derive(Debug)]
pub(crate) struct State {
    /// The market model.
    pub(crate) market: Market,
    /// Source of the current time.
    clock: Arc<dyn Clock>,
    /// Active faults.
    faults: RwLock<FaultTable>,
}

/// Which symbols a request asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Selection {
    /// One named symbol: a symbol `fail` fails the response.
    One,
    /// A list of named symbols: a symbol `fail` drops it; the response fails if none is left.
    Named,
    /// Every symbol: a symbol `fail` drops it.
    All,
}

/// Whole-response effects of faults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Effects {
    /// Delay before answering.
    pub(crate) delay: Duration,
    /// Answer 503 with the venue's error body.
    pub(crate) fail: bool,
    /// Answer 200 with a body that is not JSON.
    pub(crate) garbage: bool,
}

impl Effects {
    fn add(&mut self, kind: &FaultKind) {
        match kind {
            FaultKind::Fail => self.fail = true,
            FaultKind::Garbage => self.garbage = true,
            FaultKind::Slow { delay } => self.delay = self.delay.max(*delay),
            FaultKind::Offset { .. } | FaultKind::Stale => {}
        }
    }
}

/// One entry of a response: the market symbol's index and the venue's quote for it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Index of the symbol in the market.
    pub(crate) index: usize,
    /// The venue's view of it.
    pub(crate) quote: VenueQuote,
}

impl State {
    /// A state with no faults.
    pub(crate) fn new(market: Market, clock: Arc<dyn Clock>) -> State {
        State {
            market,
            clock,
            faults: RwLock::new(FaultTable::default()),
        }
    }

    /// The market tick in progress now.
    pub(crate) fn tick(&self) -> i64 {
        self.market.tick_at(self.clock.now_ms())
    }

    /// Sets a fault after checking that its symbol (if any) is in the market.
    pub(crate) fn set_fault(&self, mut spec: FaultSpec) -> Result<(), SimexError> {
        if let Some(symbol) = &spec.symbol {
            let index = self
                .market
                .find(symbol)
                .ok_or_else(|| SimexError::UnknownSymbol(symbol.clone()))?;
            spec.symbol = self.market.symbol(index).map(|s| s.symbol.clone());
        }
        let tick = self.tick();
        self.faults
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .set(spec, tick);
        Ok(())
    }

    /// Removes every fault; returns how many there were.
    pub(crate) fn clear_faults(&self) -> usize {
        self.faults
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear()
    }

    /// The active faults with the ticks they were set at.
    pub(crate) fn faults(&self) -> Vec<(FaultSpec, i64)> {
        self.faults
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .list()
    }

    /// The effects of `venue`'s venue-wide fault alone (for error responses).
    pub(crate) fn venue_effects(&self, venue: Venue) -> Effects {
        let mut effects = Effects::default();
        let faults = self.faults.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(f) = faults.venue_wide(venue) {
            effects.add(&f.kind);
        }
        effects
    }

    /// The venue's quotes for `indices` now, with faults applied, and the whole-response effects.
    ///
    /// A symbol's own fault replaces the venue-wide one for that symbol. A venue-wide `fail` fails
    /// the response if it applies to any entry; a symbol's `fail` fails a single-symbol response
    /// and drops the symbol from list responses (which fail if nothing named is left).
    pub(crate) fn quotes(
        &self,
        venue: Venue,
        indices: &[usize],
        selection: Selection,
    ) -> (Vec<Entry>, Effects) {
        let now = self.tick();
        let mut effects = Effects::default();
        let faults = self.faults.read().unwrap_or_else(PoisonError::into_inner);
        let mut entries = Vec::with_capacity(indices.len());
        for &index in indices {
            let Some(symbol) = self.market.symbol(index) else {
                continue;
            };
            let own = faults.symbol_fault(venue, &symbol.symbol);
            let fault = own.or_else(|| faults.venue_wide(venue));
            let (mut tick, mut factor) = (now, 1.0);
            match fault.map(|f| (&f.kind, f.set_at_tick)) {
                Some((FaultKind::Fail, _)) if own.is_some() && selection != Selection::One => {
                    continue;
                }
                Some((FaultKind::Offset { pct }, _)) => {
                    factor = (Decimal::ONE + pct / Decimal::ONE_HUNDRED)
                        .to_f64()
                        .unwrap_or(1.0);
                }
                Some((FaultKind::Stale, set_at)) => tick = set_at,
                Some((kind, _)) => effects.add(kind),
                None => {}
            }
            if let Some(quote) = self.market.venue_quote(venue, index, tick, factor) {
                entries.push(Entry { index, quote });
            }
        }
        if selection == Selection::Named && entries.is_empty() && !indices.is_empty() {
            effects.fail = true;
        }
        (entries, effects)
    }
}
