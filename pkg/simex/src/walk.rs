//! A Gaussian random walk that can be evaluated at any tick directly (no stepping from tick 0).
//!
//! The walk is built by Lévy's Brownian-bridge construction over the dyadic grid `0..=2^LEVELS`:
//! the end point gets a Gaussian of variance `2^LEVELS`, and each midpoint of an interval `[a, b]`
//! is the mean of its end points plus a Gaussian of variance `(b - a) / 4`, keyed by the midpoint's
//! index. Evaluating tick `k` walks `LEVELS` midpoints from the root, so the cost is constant and the
//! result is a pure function of `(seed, symbol, k)`. The increments between neighbouring ticks have
//! exactly the distribution of a step of a plain random walk with unit variance.
//!
//! Market ticks are signed and relative to the simulation's start: tick 0 sits in the middle of the
//! grid, so a day (or years) of history before the start exists too.

use crate::rng::{self, Stream};

/// Depth of the dyadic grid: `2^32` ticks, about 34 years at 250 ms a tick.
const LEVELS: u32 = 32;
/// Grid index of market tick 0.
const ORIGIN: i64 = 1 << (LEVELS - 1);
/// Largest grid index.
const TOP: i64 = 1 << LEVELS;

/// The earliest market tick the walk covers; earlier ticks are clamped to it.
pub(crate) const MIN_TICK: i64 = -ORIGIN;
/// The latest market tick the walk covers; later ticks are clamped to it.
pub(crate) const MAX_TICK: i64 = TOP - ORIGIN;

/// Value of the unit-variance walk at grid index `index` (clamped to `0..=2^LEVELS`).
fn at_index(seed: u64, symbol: u64, index: i64) -> f64 {
    let index = index.clamp(0, TOP);
    let (mut lo, mut hi) = (0i64, TOP);
    let (mut w_lo, mut w_hi) = (0.0, (TOP as f64).sqrt() * draw(seed, symbol, TOP));
    loop {
        if index == lo {
            return w_lo;
        }
        if index == hi {
            return w_hi;
        }
        let mid = lo + (hi - lo) / 2;
        let sd = ((hi - lo) as f64 / 4.0).sqrt();
        let w_mid = (w_lo + w_hi) / 2.0 + sd * draw(seed, symbol, mid);
        if index < mid {
            hi = mid;
            w_hi = w_mid;
        } else {
            lo = mid;
            w_lo = w_mid;
        }
    }
}

fn draw(seed: u64, symbol: u64, index: i64) -> f64 {
    rng::gaussian(seed, Stream::Walk, symbol, index as u64)
}

/// The walk's displacement from market tick 0 to market tick `tick`, in units of one step's
/// standard deviation: 0 at tick 0, variance `|tick|`.
#[cfg(test)]
pub(crate) fn displacement(seed: u64, symbol: u64, tick: i64) -> f64 {
    displacement_from(seed, symbol, origin(seed, symbol), tick)
}

/// The walk's value at market tick 0: what [`displacement`] subtracts. Callers that evaluate many
/// ticks of one symbol compute it once and use [`displacement_from`] (half the work per tick).
pub(crate) fn origin(seed: u64, symbol: u64) -> f64 {
    at_index(seed, symbol, ORIGIN)
}

/// [`displacement`] given the symbol's [`origin`].
pub(crate) fn displacement_from(seed: u64, symbol: u64, origin: f64, tick: i64) -> f64 {
    let tick = tick.clamp(MIN_TICK, MAX_TICK);
    at_index(seed, symbol, tick + ORIGIN) - origin
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn is_pure_and_zero_at_start(seed: u64, symbol: u64, tick in MIN_TICK..=MAX_TICK) {
            prop_assert_eq!(displacement(seed, symbol, 0), 0.0);
            let d = displacement(seed, symbol, tick);
            prop_assert!(d.is_finite());
            prop_assert_eq!(d, displacement(seed, symbol, tick));
        }

        #[test]
        fn neighbouring_ticks_are_close(seed: u64, symbol: u64, tick in -1_000_000_000i64..1_000_000_000) {
            let step = displacement(seed, symbol, tick + 1) - displacement(seed, symbol, tick);
            // One step has unit variance; 12 standard deviations never happens by chance.
            prop_assert!(step.abs() < 12.0, "step {step}");
        }
    }

    #[test]
    fn steps_have_unit_variance() {
        let n = 20_000i64;
        let steps: Vec<f64> = (0..n)
            .map(|k| displacement(42, 7, k + 1) - displacement(42, 7, k))
            .collect();
        let mean = steps.iter().sum::<f64>() / n as f64;
        let var = steps.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((var - 1.0).abs() < 0.06, "variance {var}");
    }

    #[test]
    fn displacement_from_a_precomputed_origin_is_the_same() {
        for tick in [-5_000, -1, 0, 1, 17, 123_456] {
            let from = displacement_from(9, 4, origin(9, 4), tick);
            assert_eq!(from.to_bits(), displacement(9, 4, tick).to_bits());
        }
    }

    #[test]
    fn differs_by_seed_and_symbol() {
        assert_ne!(displacement(1, 1, 100), displacement(2, 1, 100));
        assert_ne!(displacement(1, 1, 100), displacement(1, 2, 100));
    }
}
