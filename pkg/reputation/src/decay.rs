//! A decaying average: every observation has weight 1 when made, and all weight halves every
//! half-life. A prior of weight 1 stands in for "no observations yet".

use serde::{Deserialize, Serialize};

/// A decaying average of observations in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DecayingAverage {
    sum: f64,
    weight: f64,
    at_ms: i64,
}

impl DecayingAverage {
    /// An average that starts at `prior` (clamped to `[0, 1]`) with weight 1, at time `now_ms`.
    pub fn new(prior: f64, now_ms: i64) -> Self {
        Self {
            sum: clamp01(prior),
            weight: 1.0,
            at_ms: now_ms,
        }
    }

    /// Adds observation `x` (clamped to `[0, 1]`) at `now_ms`, after decaying what came before.
    /// Observations never go back in time: an older `now_ms` counts as the last one's time.
    pub fn observe(&mut self, x: f64, now_ms: i64, half_life_ms: i64) {
        self.decay_to(now_ms, half_life_ms);
        self.sum += clamp01(x);
        self.weight += 1.0;
    }

    /// The current average, in `[0, 1]`.
    pub fn value(&self) -> f64 {
        if self.weight <= 0.0 {
            return 1.0;
        }
        clamp01(self.sum / self.weight)
    }

    fn decay_to(&mut self, now_ms: i64, half_life_ms: i64) {
        let elapsed = now_ms.saturating_sub(self.at_ms);
        if elapsed <= 0 {
            return;
        }
        #[allow(clippy::cast_precision_loss)]
        let factor = 0.5f64.powf(elapsed as f64 / half_life_ms.max(1) as f64);
        self.sum *= factor;
        self.weight *= factor;
        // Keep a floor so the average stays defined after a very long silence.
        if self.weight < 1e-9 {
            let v = self.value();
            self.weight = 1e-9;
            self.sum = v * 1e-9;
        }
        self.at_ms = now_ms;
    }
}

/// `x` clamped to `[0, 1]`; NaN becomes 0.
pub fn clamp01(x: f64) -> f64 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn old_observations_fade() {
        let mut a = DecayingAverage::new(1.0, 0);
        for t in 0..20 {
            a.observe(1.0, t * 1_000, 10_000);
        }
        assert!(a.value() > 0.99);
        for t in 20..60 {
            a.observe(0.0, t * 1_000, 10_000);
        }
        // 40 s of bad data at 1/s against 20 s of good data four half-lives ago.
        assert!(a.value() < 0.1, "{}", a.value());
    }

    proptest! {
        #[test]
        fn stays_in_unit_interval(xs in prop::collection::vec((-2.0f64..3.0, 0i64..100_000), 0..50)) {
            let mut a = DecayingAverage::new(0.5, 0);
            let mut t = 0;
            for (x, dt) in xs {
                t += dt;
                a.observe(x, t, 5_000);
                prop_assert!((0.0..=1.0).contains(&a.value()));
            }
        }

        #[test]
        fn a_lower_observation_never_raises_the_average(prior in 0.0f64..=1.0, x in 0.0f64..=1.0, y in 0.0f64..=1.0) {
            let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
            let mut a = DecayingAverage::new(prior, 0);
            let mut b = a;
            a.observe(lo, 10, 1_000);
            b.observe(hi, 10, 1_000);
            prop_assert!(a.value() <= b.value() + 1e-12);
        }
    }
}
