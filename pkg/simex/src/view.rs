//! What one venue shows for one symbol at one tick (pure): the market mid with a few basis points
//! of deterministic venue noise, the venue's spread, 24-hour and since-midnight statistics, sizes
//! and trade counters, all formatted as decimals with a precision that fits the price level.
//!
//! Statistics are sampled, not simulated trade by trade: open is the price 24 hours (or at
//! midnight) before, high/low are the extremes of hourly samples widened by up to 0.3 %, the
//! volume-weighted average is the mean of the samples. A venue factor (noise, fault offset) scales
//! every price field alike, so `low <= open, last <= high` always holds.

use std::ops::RangeInclusive;

use rust_decimal::Decimal;

use crate::format;
use crate::market::Market;
use crate::rng::{self, Stream};
use crate::venue::Venue;

/// Amplitude of the per-tick venue noise, in basis points.
pub const VENUE_NOISE_BPS: f64 = 3.0;
/// Grid steps per statistics window: its samples are its two ends and the points of a grid of
/// `span / SAMPLES` ticks fixed in time between them.
const SAMPLES: i64 = 24;
/// Average value of one trade in USD, for trade counts.
const TRADE_USD: f64 = 2_000.0;

/// One venue's view of one symbol at one tick.
#[derive(Debug, Clone, PartialEq)]
pub struct VenueQuote {
    /// The tick this view is computed at.
    pub tick: i64,
    /// Unix time in milliseconds of the view (the start of its tick).
    pub time_ms: i64,
    /// Last trade price.
    pub last: Decimal,
    /// Best bid.
    pub bid: Decimal,
    /// Best ask.
    pub ask: Decimal,
    /// Size of the last trade, in base units.
    pub last_qty: Decimal,
    /// Size at the best bid.
    pub bid_qty: Decimal,
    /// Size at the best ask.
    pub ask_qty: Decimal,
    /// Last price of the previous tick.
    pub prev_close: Decimal,
    /// Statistics of the last 24 hours.
    pub day: Window,
    /// Statistics since midnight UTC.
    pub today: Window,
    /// Price at midnight UTC+8 (OKX's `sodUtc8`).
    pub open_utc8: Decimal,
    /// Number of trades in the last 24 hours.
    pub trades_24h: u64,
    /// Number of trades since midnight UTC.
    pub trades_today: u64,
    /// Id of the last trade (grows with the tick).
    pub last_trade_id: u64,
}

/// Statistics over a time window.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// First price of the window.
    pub open: Decimal,
    /// Highest price.
    pub high: Decimal,
    /// Lowest price.
    pub low: Decimal,
    /// Volume-weighted average price.
    pub vwap: Decimal,
    /// Traded volume in base units.
    pub volume: Decimal,
    /// Traded volume in USD.
    pub quote_volume: Decimal,
}

impl Market {
    /// What `venue` shows for symbol `index` at `tick`, with every price multiplied by `factor`
    /// (1.0 normally; a fault offset of 5 % is 1.05). `None` for an unknown index.
    pub fn venue_quote(
        &self,
        venue: Venue,
        index: usize,
        tick: i64,
        factor: f64,
    ) -> Option<VenueQuote> {
        let s = self.symbol(index)?;
        let seed = self.params().seed;
        let key = s.id ^ venue.index().rotate_left(40);
        let noise = 1.0
            + VENUE_NOISE_BPS * 1e-4 * rng::signed_unit(seed, Stream::VenueNoise, key, tick as u64);
        let f = factor * noise;
        let mid = self.mid(index, tick) * f;
        let half_spread = venue.spread_bps() * s.spread_factor * 0.5e-4;
        let ticks_per_day = self.ticks_per_day();
        let hour = tick.div_euclid(self.ticks_per_hour()) as u64;

        let day_usd = s.asset.daily_volume_usd
            * venue.volume_share()
            * (0.75 + 0.5 * rng::unit(seed, Stream::Volume, key, hour));
        let day_start = self.day_start_tick(tick, 0);
        let today_fraction = ((tick - day_start) as f64 / ticks_per_day as f64).clamp(0.0, 1.0);
        let day = self.window(index, tick - ticks_per_day..=tick, f, day_usd, key);
        let today = self.window(index, day_start..=tick, f, day_usd * today_fraction, key);

        let trades_per_tick =
            (s.asset.daily_volume_usd * venue.volume_share() / TRADE_USD / ticks_per_day as f64)
                .ceil()
                .max(1.0) as u64;
        let trades_24h = trades_per_tick * ticks_per_day as u64;
        let ticks_since_min = tick.saturating_sub(crate::walk::MIN_TICK).max(0) as u64;
        let qty = |b: u64, lo: f64, hi: f64| {
            let usd = lo
                + (hi - lo)
                    * rng::unit(
                        seed,
                        Stream::Quantity,
                        key,
                        (tick as u64).wrapping_mul(4).wrapping_add(b),
                    );
            format::qty(usd / mid)
        };
        Some(VenueQuote {
            tick,
            time_ms: self.time_of(tick),
            last: format::price(mid),
            bid: format::price(mid * (1.0 - half_spread)),
            ask: format::price(mid * (1.0 + half_spread)),
            last_qty: qty(0, 50.0, 5_000.0),
            bid_qty: qty(1, 1_000.0, 50_000.0),
            ask_qty: qty(2, 1_000.0, 50_000.0),
            prev_close: format::price(self.mid(index, tick - 1) * f),
            day,
            today,
            open_utc8: format::price(self.mid(index, self.day_start_tick(tick, 8)) * f),
            trades_24h,
            trades_today: (trades_24h as f64 * today_fraction) as u64,
            last_trade_id: 1_000_000 + ticks_since_min.saturating_mul(trades_per_tick),
        })
    }

    /// Sampled statistics of symbol `index` over the ticks `ticks`, scaled by `factor`.
    /// `key` keys the randomness of the venue and symbol; `usd` is the traded value in the window.
    fn window(
        &self,
        index: usize,
        ticks: RangeInclusive<i64>,
        factor: f64,
        usd: f64,
        key: u64,
    ) -> Window {
        let (from, to) = ticks.into_inner();
        let span = (to - from).max(0);
        // Both ends, and between them points of a grid fixed in time (not in the window), so
        // that every request until the window moves on by a grid step asks for the same ticks.
        let step = (span / SAMPLES).max(1);
        let inner = (from.div_euclid(step) + 1) * step;
        let ticks: Vec<i64> = std::iter::once(from)
            .chain((inner..to).step_by(usize::try_from(step).unwrap_or(usize::MAX)))
            .chain(std::iter::once(to))
            .collect();
        let samples: Vec<f64> = self
            .mids(index, &ticks)
            .into_iter()
            .map(|mid| mid * factor)
            .collect();
        let open = samples.first().copied().unwrap_or_default();
        let high = samples.iter().copied().fold(f64::MIN, f64::max);
        let low = samples.iter().copied().fold(f64::MAX, f64::min);
        let vwap = samples.iter().sum::<f64>() / samples.len() as f64;
        let hour = to.div_euclid(self.ticks_per_hour()) as u64;
        let widen = |b: u64| {
            3e-3 * rng::unit(
                self.params().seed,
                Stream::Range,
                key,
                hour.wrapping_mul(2).wrapping_add(b),
            )
        };
        Window {
            open: format::price(open),
            high: format::price(high * (1.0 + widen(0))),
            low: format::price(low * (1.0 - widen(1))),
            vwap: format::price(vwap),
            volume: format::qty(usd / vwap),
            quote_volume: format::decimal(usd, 2),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::MarketParams;
    use proptest::prelude::*;

    fn market(seed: u64) -> Market {
        Market::new(MarketParams {
            seed,
            symbols: 80,
            tick_ms: 250,
            start_ms: 1_795_321_800_000,
        })
        .unwrap()
    }

    fn venue() -> impl Strategy<Value = Venue> {
        (0usize..5).prop_map(|i| Venue::ALL[i])
    }

    proptest! {
        #[test]
        fn quotes_are_consistent(seed: u64, v in venue(), index in 0usize..80, tick in -1_000_000_000i64..1_000_000_000) {
            let m = market(seed);
            let q = m.venue_quote(v, index, tick, 1.0).unwrap();
            let zero = Decimal::ZERO;
            prop_assert!(q.bid > zero && q.bid < q.ask, "bid {} ask {}", q.bid, q.ask);
            prop_assert!(q.bid <= q.last && q.last <= q.ask);
            for w in [&q.day, &q.today] {
                prop_assert!(w.low <= w.open && w.open <= w.high);
                prop_assert!(w.low <= q.last && q.last <= w.high, "{} not in {}..{}", q.last, w.low, w.high);
                prop_assert!(w.low > zero && w.volume >= zero && w.quote_volume >= zero);
            }
            prop_assert!(q.day.volume > zero && q.last_qty > zero && q.bid_qty > zero && q.ask_qty > zero);
            prop_assert_eq!(q.time_ms, m.time_of(tick));
            // The venue price is within the noise of the market mid.
            let mid = format::price(m.mid(index, tick));
            let dev = ((q.last - mid) / mid).abs();
            prop_assert!(dev <= Decimal::new(4, 4), "deviation {dev}");
            prop_assert_eq!(&q, &market(seed).venue_quote(v, index, tick, 1.0).unwrap());
        }

        #[test]
        fn factor_scales_prices(seed: u64, v in venue(), index in 0usize..50, tick in -10_000i64..10_000) {
            let m = market(seed);
            let base = m.venue_quote(v, index, tick, 1.0).unwrap();
            let up = m.venue_quote(v, index, tick, 1.05).unwrap();
            let ratio = up.last / base.last;
            prop_assert!((ratio - Decimal::new(105, 2)).abs() < Decimal::new(1, 4), "ratio {ratio}");
        }

        #[test]
        fn trade_ids_grow(seed: u64, v in venue(), tick in -10_000i64..10_000) {
            let m = market(seed);
            let a = m.venue_quote(v, 0, tick, 1.0).unwrap();
            let b = m.venue_quote(v, 0, tick + 1, 1.0).unwrap();
            prop_assert!(b.last_trade_id > a.last_trade_id);
        }
    }

    #[test]
    fn venues_differ_and_unknown_index_is_none() {
        let m = market(5);
        let a = m.venue_quote(Venue::Binance, 0, 10, 1.0).unwrap();
        let b = m.venue_quote(Venue::Kraken, 0, 10, 1.0).unwrap();
        assert_ne!(a.last, b.last);
        assert!(m.venue_quote(Venue::Binance, 80, 10, 1.0).is_none());
    }
}
