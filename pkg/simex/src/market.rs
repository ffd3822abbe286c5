//! The market model (pure, no IO): a set of `BASE/USD` symbols whose mid prices follow seeded random
//! walks, and the clock arithmetic that maps ticks to times.
//!
//! The price of a symbol at tick `k` is `start_price * exp(B * tanh(VOL * W(k) / B))` where `W` is the
//! counter-based walk of `crate::walk` keyed by `(seed, symbol name)`: a pure function of
//! `(seed, symbol, k)`, exactly the starting price at tick 0, a plain random walk of about
//! [`VOL_BPS`] per tick near the start, and always within a factor of 20 of the starting price (so
//! never zero or negative). What each venue shows is built on top of this in [`crate::view`].

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use crate::assets::{self, Asset, MAX_SYMBOLS, MIN_SYMBOLS, QUOTE};
use crate::rng;
use crate::venue::{Venue, accepted_names};
use crate::walk;

/// Standard deviation of one tick's log-price step, in basis points.
pub const VOL_BPS: f64 = 1.5;
/// Milliseconds in a day.
pub(crate) const DAY_MS: i64 = 86_400_000;
/// Bound of the log-price excursion from the start: prices stay within `start / 20 ..= start * 20`.
const LOG_BOUND: f64 = 2.995_732_273_553_991; // ln(20)

/// Smallest allowed tick length.
pub const MIN_TICK_MS: u64 = 10;
/// Largest allowed tick length.
pub const MAX_TICK_MS: u64 = 60_000;

/// Invalid market parameters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarketError {
    /// The number of symbols was out of range.
    #[error("symbol count must be between {MIN_SYMBOLS} and {MAX_SYMBOLS}, got {0}")]
    SymbolCount(usize),
    /// The tick length was out of range.
    #[error("tick length must be between {MIN_TICK_MS} and {MAX_TICK_MS} ms, got {0} ms")]
    TickMs(u64),
}

/// Parameters of a market.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketParams {
    /// Seed of every random choice.
    pub seed: u64,
    /// Number of symbols (the curated list first, then synthetic ones).
    pub symbols: usize,
    /// Length of one tick in milliseconds.
    pub tick_ms: u64,
    /// Unix time in milliseconds of tick 0.
    pub start_ms: i64,
}

/// One symbol of the market.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketSymbol {
    /// Market symbol, e.g. `BTC/USD`.
    pub symbol: String,
    /// The base asset with its starting price and volume.
    pub asset: Asset,
    /// Key of this symbol's randomness (a hash of its name).
    pub(crate) id: u64,
    /// Multiplier of the venues' spreads: 1 for the most liquid symbols, more for the others.
    pub(crate) spread_factor: f64,
    /// The walk's value at market tick 0, computed once: every price is relative to it.
    pub(crate) walk_origin: f64,
}

/// Most mid prices [`Market`] keeps computed (about 10 MiB); past that it starts over.
const MIDS_KEPT: usize = 1 << 18;

/// Hashes the memo's `(symbol index, tick)` keys: a multiply-xorshift of the two integers
/// (the keys come from this process, so no protection against chosen collisions is needed).
#[derive(Debug, Default)]
struct TickHasher(u64);

impl Hasher for TickHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}

/// Mid prices by `(symbol index, tick)`.
type MidMemo = HashMap<(usize, i64), f64, BuildHasherDefault<TickHasher>>;

/// A seeded random-walk market.
#[derive(Debug, Clone)]
pub struct Market {
    /// The parameters it was built from.
    params: MarketParams,
    /// The symbols, in the order of the curated list.
    symbols: Vec<MarketSymbol>,
    /// Upper-case market symbol to index.
    by_symbol: HashMap<String, usize>,
    /// `(venue, venue pair name)` to index.
    by_pair: HashMap<(Venue, String), usize>,
    /// Mid prices already computed, by `(symbol index, tick)`: [`Market::mid`] is a pure function
    /// that walks 32 levels of the random walk, and every venue of every node asks for the same
    /// ticks (the current one, the fixed sample points of the 24-hour windows).
    mids: Arc<Mutex<MidMemo>>,
}

impl Market {
    /// Builds the market; fails if the symbol count or tick length is out of range.
    pub fn new(params: MarketParams) -> Result<Market, MarketError> {
        if !(MIN_SYMBOLS..=MAX_SYMBOLS).contains(&params.symbols) {
            return Err(MarketError::SymbolCount(params.symbols));
        }
        if !(MIN_TICK_MS..=MAX_TICK_MS).contains(&params.tick_ms) {
            return Err(MarketError::TickMs(params.tick_ms));
        }
        let curated = assets::curated_len();
        let symbols: Vec<MarketSymbol> = assets::assets(params.symbols, params.seed)
            .into_iter()
            .enumerate()
            .map(|(i, asset)| {
                let symbol = format!("{}/{QUOTE}", asset.base);
                let spread_factor = match i {
                    i if i < 10 => 1.0,
                    i if i < curated => 2.0,
                    _ => 4.0,
                };
                let id = rng::name_id(&symbol);
                MarketSymbol {
                    id,
                    walk_origin: walk::origin(params.seed, id),
                    symbol,
                    asset,
                    spread_factor,
                }
            })
            .collect();
        let by_symbol = symbols
            .iter()
            .enumerate()
            .map(|(i, s)| (s.symbol.clone(), i))
            .collect();
        let by_pair = symbols
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                Venue::ALL.into_iter().flat_map(move |v| {
                    accepted_names(v, &s.asset.base)
                        .into_iter()
                        .map(move |name| ((v, name), i))
                })
            })
            .collect();
        Ok(Market {
            params,
            symbols,
            by_symbol,
            by_pair,
            mids: Arc::default(),
        })
    }

    /// The parameters the market was built from.
    pub fn params(&self) -> &MarketParams {
        &self.params
    }

    /// All symbols, in order.
    pub fn symbols(&self) -> &[MarketSymbol] {
        &self.symbols
    }

    /// Index of a market symbol such as `BTC/USD` (case-insensitive).
    pub fn find(&self, symbol: &str) -> Option<usize> {
        self.by_symbol.get(&symbol.trim().to_uppercase()).copied()
    }

    /// Index of a venue's pair name (`BTCUSD` on Binance, `XBTUSD` on Kraken, ...). Binance,
    /// Coinbase, Kraken and OKX names are matched case-insensitively, Bitstamp's exactly.
    pub fn find_pair(&self, venue: Venue, name: &str) -> Option<usize> {
        let name = match venue {
            Venue::Bitstamp => name.to_owned(),
            _ => name.to_uppercase(),
        };
        self.by_pair.get(&(venue, name)).copied()
    }

    /// The symbol at `index`, if any.
    pub fn symbol(&self, index: usize) -> Option<&MarketSymbol> {
        self.symbols.get(index)
    }

    /// Mid price of symbol `index` at tick `tick` (0.0 for an unknown index; always > 0 otherwise).
    pub fn mid(&self, index: usize, tick: i64) -> f64 {
        self.mids(index, &[tick])[0]
    }

    /// [`Market::mid`] at each of `ticks`, taking the memo's lock twice at most.
    pub fn mids(&self, index: usize, ticks: &[i64]) -> Vec<f64> {
        let lock = || self.mids.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out: Vec<Option<f64>> = {
            let mids = lock();
            ticks
                .iter()
                .map(|t| mids.get(&(index, *t)).copied())
                .collect()
        };
        let missing: Vec<(i64, f64)> = ticks
            .iter()
            .zip(&out)
            .filter(|(_, known)| known.is_none())
            .map(|(t, _)| (*t, self.compute_mid(index, *t)))
            .collect();
        if !missing.is_empty() {
            let mut mids = lock();
            if mids.len() + missing.len() > MIDS_KEPT {
                mids.clear();
            }
            mids.extend(missing.iter().map(|(t, mid)| ((index, *t), *mid)));
        }
        let mut computed = missing.into_iter().map(|(_, mid)| mid);
        for slot in &mut out {
            if slot.is_none() {
                *slot = computed.next();
            }
        }
        out.into_iter().map(Option::unwrap_or_default).collect()
    }

    fn compute_mid(&self, index: usize, tick: i64) -> f64 {
        let Some(s) = self.symbols.get(index) else {
            return 0.0;
        };
        let w = walk::displacement_from(self.params.seed, s.id, s.walk_origin, tick);
        let log_move = LOG_BOUND * (VOL_BPS * 1e-4 * w / LOG_BOUND).tanh();
        s.asset.start_price * log_move.exp()
    }

    /// The tick in progress at Unix time `now_ms` (ticks before the start are negative).
    pub fn tick_at(&self, now_ms: i64) -> i64 {
        (now_ms - self.params.start_ms).div_euclid(self.tick_ms())
    }

    /// Unix time in milliseconds at which tick `tick` starts.
    pub fn time_of(&self, tick: i64) -> i64 {
        self.params.start_ms + tick.saturating_mul(self.tick_ms())
    }

    /// Number of ticks in 24 hours (at least 1).
    pub fn ticks_per_day(&self) -> i64 {
        (DAY_MS / self.tick_ms()).max(1)
    }

    /// Number of ticks in one hour (at least 1).
    pub(crate) fn ticks_per_hour(&self) -> i64 {
        (DAY_MS / 24 / self.tick_ms()).max(1)
    }

    /// The tick in progress at the start of the day containing tick `tick`, for a day that starts
    /// at midnight in the time zone `utc_offset_hours` ahead of UTC.
    pub fn day_start_tick(&self, tick: i64, utc_offset_hours: i64) -> i64 {
        let shift = utc_offset_hours * 3_600_000;
        let t = self.time_of(tick) + shift;
        self.tick_at(t.div_euclid(DAY_MS) * DAY_MS - shift)
    }

    fn tick_ms(&self) -> i64 {
        self.params.tick_ms as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn market(seed: u64, symbols: usize) -> Market {
        let params = MarketParams {
            seed,
            symbols,
            tick_ms: 250,
            start_ms: 1_795_321_800_000,
        };
        Market::new(params).unwrap()
    }

    #[test]
    fn rejects_bad_parameters() {
        let mut p = market(1, 1).params().clone();
        p.symbols = 0;
        assert_eq!(
            Market::new(p.clone()).unwrap_err(),
            MarketError::SymbolCount(0)
        );
        p.symbols = 1001;
        assert!(Market::new(p.clone()).is_err());
        p.symbols = 5;
        p.tick_ms = 0;
        assert_eq!(Market::new(p).unwrap_err(), MarketError::TickMs(0));
    }

    #[test]
    fn starts_at_realistic_prices() {
        let m = market(3, 50);
        assert_eq!(m.symbols().len(), 50);
        let btc = m.find("btc/usd").unwrap();
        assert_eq!(m.mid(btc, 0), 60_000.0);
        assert_eq!(m.mid(m.find("DOGE/USD").unwrap(), 0), 0.15);
        assert_eq!(m.find_pair(Venue::Kraken, "XXBTZUSD"), Some(btc));
        assert_eq!(m.find_pair(Venue::Kraken, "xbtusd"), Some(btc));
        assert_eq!(m.find_pair(Venue::Bitstamp, "btcusd"), Some(btc));
        assert_eq!(m.find_pair(Venue::Bitstamp, "BTCUSD"), None);
        assert_eq!(m.find_pair(Venue::Binance, "NOPEUSD"), None);
        assert_eq!(
            market(3, 120).symbols()[119].symbol,
            format!("SYN{:03}/USD", 120 - 64)
        );
    }

    #[test]
    fn day_boundaries() {
        let m = market(1, 1);
        let tick = 1000;
        for offset_hours in [0, 8] {
            let sod = m.day_start_tick(tick, offset_hours);
            let shift = offset_hours * 3_600_000;
            let midnight = (m.time_of(tick) + shift).div_euclid(DAY_MS) * DAY_MS - shift;
            assert!(m.time_of(sod) <= midnight && midnight < m.time_of(sod + 1));
            assert!(sod <= tick);
        }
        assert_eq!(m.tick_at(m.time_of(tick)), tick);
        assert_eq!(m.tick_at(m.time_of(tick) + 249), tick);
    }

    proptest! {
        #[test]
        fn prices_are_positive_bounded_and_deterministic(
            seed: u64, index in 0usize..70, tick in walk::MIN_TICK..=walk::MAX_TICK,
        ) {
            let a = market(seed, 70);
            let b = market(seed, 70);
            let p = a.mid(index, tick);
            let start = a.symbols()[index].asset.start_price;
            prop_assert!(p > 0.0);
            prop_assert!(p >= start / 20.0 * 0.999 && p <= start * 20.0 * 1.001);
            prop_assert_eq!(p, b.mid(index, tick));
        }

        #[test]
        fn per_tick_moves_are_small(seed: u64, index in 0usize..50, tick in -10_000_000i64..10_000_000) {
            let m = market(seed, 50);
            let r = (m.mid(index, tick + 1) / m.mid(index, tick)).ln().abs() * 1e4;
            prop_assert!(r < 12.0 * VOL_BPS, "moved {r} bps in one tick");
        }

        #[test]
        fn adding_symbols_keeps_paths(seed: u64, tick in -100_000i64..100_000) {
            prop_assert_eq!(market(seed, 50).mid(7, tick), market(seed, 1000).mid(7, tick));
            let m = market(seed, 50);
            // The memo gives back what the walk computes, first asked and again.
            prop_assert_eq!(m.mid(7, tick).to_bits(), m.compute_mid(7, tick).to_bits());
            prop_assert_eq!(m.mid(7, tick).to_bits(), m.compute_mid(7, tick).to_bits());
            let next = tick.saturating_add(1);
            let many: Vec<u64> = m.mids(7, &[next, tick, next]).into_iter().map(f64::to_bits).collect();
            let each: Vec<u64> = [next, tick, next].map(|t| m.compute_mid(7, t).to_bits()).to_vec();
            prop_assert_eq!(many, each);
        }
    }
}
