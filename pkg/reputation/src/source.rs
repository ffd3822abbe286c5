//! A data source's score: a weighted geometric mean of four decaying averages in `[0, 1]`, so
//! that one bad part (lying, staleness, failing runs) pulls the whole score down. Quarantine uses
//! hysteresis: in below `quarantine_below`, out above `recover_above`.

use serde::{Deserialize, Serialize};

use crate::decay::{DecayingAverage, clamp01};
use crate::params::{Params, SourceWeights};

/// The parts of a source's score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SourceParts {
    /// Share of its quotes that were validated (rejections count 0, expiries not at all).
    pub acceptance: f64,
    /// Closeness of its quotes to the consensus price.
    pub closeness: f64,
    /// Freshness of its quotes (1 = just observed).
    pub freshness: f64,
    /// Share of its runs that succeeded.
    pub reliability: f64,
}

impl SourceParts {
    /// The score: `Π part^weight`, in `[0, 1]`.
    pub fn score(&self, w: &SourceWeights) -> f64 {
        let part = |x: f64, weight: f64| clamp01(x).powf(weight.max(0.0));
        clamp01(
            part(self.acceptance, w.acceptance)
                * part(self.closeness, w.closeness)
                * part(self.freshness, w.freshness)
                * part(self.reliability, w.reliability),
        )
    }
}

/// A source's (or a source and symbol's) running score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceScore {
    acceptance: DecayingAverage,
    closeness: DecayingAverage,
    freshness: DecayingAverage,
    reliability: DecayingAverage,
    quarantined: bool,
}

impl SourceScore {
    /// A new source: every part starts at 1 with the weight of one observation.
    pub fn new(now_ms: i64) -> Self {
        Self::from_parts(
            SourceParts {
                acceptance: 1.0,
                closeness: 1.0,
                freshness: 1.0,
                reliability: 1.0,
            },
            false,
            now_ms,
        )
    }

    /// A score restored from stored parts (each with the weight of one observation).
    pub fn from_parts(parts: SourceParts, quarantined: bool, now_ms: i64) -> Self {
        Self {
            acceptance: DecayingAverage::new(parts.acceptance, now_ms),
            closeness: DecayingAverage::new(parts.closeness, now_ms),
            freshness: DecayingAverage::new(parts.freshness, now_ms),
            reliability: DecayingAverage::new(parts.reliability, now_ms),
            quarantined,
        }
    }

    /// A decided quote: validated or rejected.
    pub fn observe_acceptance(&mut self, validated: bool, now_ms: i64, p: &Params) {
        self.acceptance
            .observe(f64::from(u8::from(validated)), now_ms, p.half_life_ms);
    }

    /// A quote's closeness to the consensus price, in `[0, 1]`.
    pub fn observe_closeness(&mut self, closeness: f64, now_ms: i64, p: &Params) {
        self.closeness.observe(closeness, now_ms, p.half_life_ms);
    }

    /// A quote's freshness, in `[0, 1]`.
    pub fn observe_freshness(&mut self, freshness: f64, now_ms: i64, p: &Params) {
        self.freshness.observe(freshness, now_ms, p.half_life_ms);
    }

    /// A run of the source's script: succeeded or not.
    pub fn observe_run(&mut self, ok: bool, now_ms: i64, p: &Params) {
        self.reliability
            .observe(f64::from(u8::from(ok)), now_ms, p.half_life_ms);
    }

    /// The current parts.
    pub fn parts(&self) -> SourceParts {
        SourceParts {
            acceptance: self.acceptance.value(),
            closeness: self.closeness.value(),
            freshness: self.freshness.value(),
            reliability: self.reliability.value(),
        }
    }

    /// The current score.
    pub fn score(&self, p: &Params) -> f64 {
        self.parts().score(&p.weights)
    }

    /// Whether the source is quarantined.
    pub fn quarantined(&self) -> bool {
        self.quarantined
    }

    /// Applies the hysteresis to `effective` (the score the decision is based on: the network
    /// view when there is one). Returns whether the status changed.
    pub fn update_quarantine(&mut self, effective: f64, p: &Params) -> bool {
        let next = if self.quarantined {
            effective <= p.recover_above
        } else {
            effective < p.quarantine_below
        };
        let changed = next != self.quarantined;
        self.quarantined = next;
        changed
    }
}

/// Freshness of a quote `age_ms` old: 1 when new, falling linearly to 0 at `max_age_ms`.
pub fn freshness(age_ms: i64, max_age_ms: i64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let f = 1.0 - age_ms.max(0) as f64 / max_age_ms.max(1) as f64;
    clamp01(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parts() -> impl Strategy<Value = SourceParts> {
        (0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..=1.0).prop_map(|(a, c, f, r)| {
            SourceParts {
                acceptance: a,
                closeness: c,
                freshness: f,
                reliability: r,
            }
        })
    }

    proptest! {
        #[test]
        fn score_is_bounded(p in parts()) {
            let s = p.score(&SourceWeights::default());
            prop_assert!((0.0..=1.0).contains(&s));
        }

        #[test]
        fn score_is_monotone_in_every_part(p in parts(), lower in 0.0f64..=1.0) {
            let w = SourceWeights::default();
            let base = p.score(&w);
            for worse in [
                SourceParts { acceptance: p.acceptance * lower, ..p },
                SourceParts { closeness: p.closeness * lower, ..p },
                SourceParts { freshness: p.freshness * lower, ..p },
                SourceParts { reliability: p.reliability * lower, ..p },
            ] {
                prop_assert!(worse.score(&w) <= base + 1e-12);
            }
        }
    }

    #[test]
    fn quarantine_has_hysteresis() {
        let p = Params::default();
        let mut s = SourceScore::new(0);
        assert!(!s.update_quarantine(0.4, &p));
        assert!(s.update_quarantine(0.2, &p));
        assert!(s.quarantined());
        assert!(
            !s.update_quarantine(0.45, &p),
            "between the bounds it stays in"
        );
        assert!(s.update_quarantine(0.6, &p));
        assert!(!s.quarantined());
    }

    #[test]
    fn a_lying_source_falls_below_the_quarantine_bound() {
        let p = Params {
            half_life_ms: 10_000,
            ..Params::default()
        };
        let mut s = SourceScore::new(0);
        let mut t = 0;
        while s.score(&p) >= p.quarantine_below {
            t += 1_000;
            s.observe_acceptance(false, t, &p);
            s.observe_closeness(0.0, t, &p);
            assert!(t < 60_000, "not quarantined after 60 s");
        }
        // One observation a second: under a few half-lives.
        assert!(t <= 10_000, "took {t} ms");
    }

    #[test]
    fn freshness_falls_with_age() {
        assert!((freshness(0, 30_000) - 1.0).abs() < 1e-12);
        assert!((freshness(15_000, 30_000) - 0.5).abs() < 1e-12);
        assert!(freshness(40_000, 30_000).abs() < 1e-12);
        assert!((freshness(-5, 30_000) - 1.0).abs() < 1e-12);
    }
}
