//! A peer's reputation: the geometric mean of how often its proposals are validated, how often its
//! votes agree with the outcome and how often it votes at all, times an equivocation penalty that
//! is heavy at once and forgiven slowly.

use serde::{Deserialize, Serialize};

use crate::decay::{DecayingAverage, clamp01};
use crate::params::Params;

/// The parts of a peer's reputation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PeerParts {
    /// Share of its proposals that were validated.
    pub proposals: f64,
    /// Share of its accept/reject votes that agreed with the outcome.
    pub agreement: f64,
    /// Share of decided quotes it voted on.
    pub liveness: f64,
    /// The equivocation factor (1 = never equivocated).
    pub equivocation: f64,
}

impl PeerParts {
    /// The reputation: `(proposals · agreement · liveness)^(1/3) · equivocation`, in `[0, 1]`.
    pub fn score(&self) -> f64 {
        let mean = (clamp01(self.proposals) * clamp01(self.agreement) * clamp01(self.liveness))
            .powf(1.0 / 3.0);
        clamp01(mean * clamp01(self.equivocation))
    }
}

/// A peer's running reputation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerReputation {
    proposals: DecayingAverage,
    agreement: DecayingAverage,
    liveness: DecayingAverage,
    equivocations: u32,
    last_equivocation_ms: Option<i64>,
}

impl PeerReputation {
    /// A new peer: every part starts at `prior` with the weight of one observation.
    pub fn new(prior: f64, now_ms: i64) -> Self {
        Self {
            proposals: DecayingAverage::new(prior, now_ms),
            agreement: DecayingAverage::new(prior, now_ms),
            liveness: DecayingAverage::new(prior, now_ms),
            equivocations: 0,
            last_equivocation_ms: None,
        }
    }

    /// One of its proposals was decided: validated or rejected.
    pub fn observe_proposal(&mut self, validated: bool, now_ms: i64, p: &Params) {
        self.proposals
            .observe(f64::from(u8::from(validated)), now_ms, p.half_life_ms);
    }

    /// One of its accept/reject votes agreed with the outcome or not.
    pub fn observe_agreement(&mut self, agreed: bool, now_ms: i64, p: &Params) {
        self.agreement
            .observe(f64::from(u8::from(agreed)), now_ms, p.half_life_ms);
    }

    /// A quote was decided: the peer voted on it (in time or late) or not.
    pub fn observe_liveness(&mut self, voted: bool, now_ms: i64, p: &Params) {
        self.liveness
            .observe(f64::from(u8::from(voted)), now_ms, p.half_life_ms);
    }

    /// Evidence that the peer cast two different votes on one quote.
    pub fn observe_equivocation(&mut self, now_ms: i64) {
        self.equivocations = self.equivocations.saturating_add(1);
        self.last_equivocation_ms =
            Some(self.last_equivocation_ms.map_or(now_ms, |t| t.max(now_ms)));
    }

    /// How many equivocations were seen.
    pub fn equivocations(&self) -> u32 {
        self.equivocations
    }

    /// The current parts at `now_ms`.
    pub fn parts(&self, now_ms: i64, p: &Params) -> PeerParts {
        PeerParts {
            proposals: self.proposals.value(),
            agreement: self.agreement.value(),
            liveness: self.liveness.value(),
            equivocation: self.last_equivocation_ms.map_or(1.0, |at| {
                equivocation_factor(now_ms - at, p.equivocation_forgive_ms)
            }),
        }
    }

    /// The current reputation at `now_ms`.
    pub fn score(&self, now_ms: i64, p: &Params) -> f64 {
        self.parts(now_ms, p).score()
    }
}

/// `1 - exp(-elapsed / forgive)`: 0 right after the evidence, 0.63 after one `forgive_ms`.
pub fn equivocation_factor(elapsed_ms: i64, forgive_ms: i64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let x = elapsed_ms.max(0) as f64 / forgive_ms.max(1) as f64;
    clamp01(1.0 - (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn equivocation_is_heavy_and_slow_to_forgive() {
        let p = Params::default();
        let mut r = PeerReputation::new(1.0, 0);
        assert!((r.score(0, &p) - 1.0).abs() < 1e-12);
        r.observe_equivocation(1_000);
        assert!(r.score(1_000, &p) < 0.01);
        assert!(
            r.score(1_000 + 60_000, &p) < 0.1,
            "one minute later still low"
        );
        assert!(r.score(1_000 + 4 * p.equivocation_forgive_ms, &p) > 0.95);
        assert_eq!(r.equivocations(), 1);
    }

    proptest! {
        #[test]
        fn reputation_is_bounded(a in 0.0f64..=1.0, b in 0.0f64..=1.0, c in 0.0f64..=1.0, e in 0.0f64..=1.0) {
            let s = PeerParts { proposals: a, agreement: b, liveness: c, equivocation: e }.score();
            prop_assert!((0.0..=1.0).contains(&s));
        }

        #[test]
        fn disagreeing_lowers_reputation(n in 1usize..30) {
            let p = Params::default();
            let mut good = PeerReputation::new(1.0, 0);
            let mut bad = good.clone();
            for i in 0..n {
                let t = i64::try_from(i).unwrap() * 100;
                good.observe_agreement(true, t, &p);
                bad.observe_agreement(false, t, &p);
            }
            prop_assert!(bad.score(10_000, &p) < good.score(10_000, &p));
        }
    }
}
