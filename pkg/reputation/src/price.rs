//! The consensus price of one symbol for one interval: the weighted median of the contributing
//! sources' prices (weights from their scores), with the weighted median absolute deviation as its
//! confidence. Exact decimals and integer weights, so equal inputs give equal prices on every node.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::decay::clamp01;
use crate::median::{weighted_mad, weighted_median};
use crate::params::Params;

/// One source's price in an interval and its weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    /// Source name.
    pub source: String,
    /// The source's price for the interval.
    pub price: Decimal,
    /// Its weight (a score in basis points).
    pub weight: u64,
}

/// A consensus price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsensusPrice {
    /// Weighted median of the contributions.
    pub price: Decimal,
    /// Weighted median absolute deviation from `price`.
    pub confidence: Decimal,
    /// How many sources had weight.
    pub sources: u32,
}

/// The consensus price of `contributions`, or `None` when no contribution has weight.
pub fn consensus_price(contributions: &[Contribution]) -> Option<ConsensusPrice> {
    let items: Vec<(Decimal, u64)> = contributions
        .iter()
        .filter(|c| c.weight > 0)
        .map(|c| (c.price, c.weight))
        .collect();
    let price = weighted_median(&items)?;
    let confidence = weighted_mad(&items, price)?;
    Some(ConsensusPrice {
        price,
        confidence,
        sources: u32::try_from(items.len()).unwrap_or(u32::MAX),
    })
}

/// The lower median of one source's prices in an interval (exact: one of its prices).
pub fn source_price(prices: &[Decimal]) -> Option<Decimal> {
    let items: Vec<(Decimal, u64)> = prices.iter().map(|p| (*p, 1)).collect();
    weighted_median(&items)
}

/// How close `price` is to `consensus`, in `[0, 1]`: with `k` the distance in units of the
/// confidence (at least `min_confidence_bps` of the price), `1 / (1 + k² / closeness_scale)`.
/// Pyth's `(|p - agg| / conf)²`, squashed into a score.
pub fn closeness(price: Decimal, consensus: &ConsensusPrice, p: &Params) -> f64 {
    let floor = consensus.price.abs() * Decimal::from(p.min_confidence_bps) / Decimal::from(10_000);
    let unit = consensus.confidence.max(floor);
    if unit.is_zero() {
        return if price == consensus.price { 1.0 } else { 0.0 };
    }
    let k = ((price - consensus.price).abs() / unit)
        .to_f64()
        .unwrap_or(f64::INFINITY);
    clamp01(1.0 / (1.0 + k * k / p.closeness_scale.max(f64::MIN_POSITIVE)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn c(source: &str, price: i64, weight: u64) -> Contribution {
        Contribution {
            source: source.into(),
            price: Decimal::new(price, 2),
            weight,
        }
    }

    #[test]
    fn a_liar_with_low_weight_does_not_move_the_price() {
        let honest = [
            c("a", 10_000, 9_000),
            c("b", 10_010, 9_000),
            c("c", 9_990, 9_000),
        ];
        let mut all = honest.to_vec();
        all.push(c("liar", 10_500, 1_000));
        let p = consensus_price(&all).unwrap();
        assert!(p.price >= Decimal::new(9_990, 2) && p.price <= Decimal::new(10_010, 2));
        assert_eq!(p.sources, 4);
        assert!(consensus_price(&[c("q", 1, 0)]).is_none());
    }

    #[test]
    fn closeness_falls_with_distance() {
        let params = Params::default();
        let cp = ConsensusPrice {
            price: Decimal::new(10_000, 2),
            confidence: Decimal::new(5, 2),
            sources: 3,
        };
        assert!((closeness(cp.price, &cp, &params) - 1.0).abs() < 1e-12);
        assert!(closeness(Decimal::new(10_005, 2), &cp, &params) > 0.85);
        assert!(
            closeness(Decimal::new(10_500, 2), &cp, &params) < 0.01,
            "5% off"
        );
    }

    proptest! {
        #[test]
        fn closeness_is_bounded_and_monotone_in_deviation(
            center in 1i64..1_000_000, conf in 0i64..1_000, a in 0i64..100_000, b in 0i64..100_000,
        ) {
            let params = Params::default();
            let cp = ConsensusPrice { price: Decimal::new(center, 2), confidence: Decimal::new(conf, 2), sources: 2 };
            let (near, far) = if a <= b { (a, b) } else { (b, a) };
            let cn = closeness(Decimal::new(center + near, 2), &cp, &params);
            let cf = closeness(Decimal::new(center + far, 2), &cp, &params);
            prop_assert!((0.0..=1.0).contains(&cn) && (0.0..=1.0).contains(&cf));
            prop_assert!(cf <= cn + 1e-12);
            // Symmetric around the center.
            let below = closeness(Decimal::new(center - far, 2), &cp, &params);
            prop_assert!((below - cf).abs() < 1e-9);
        }

        #[test]
        fn consensus_is_within_the_contributions(v in prop::collection::vec((1i64..1_000_000, 1u64..10_000), 1..12)) {
            let cs: Vec<Contribution> = v.iter().enumerate().map(|(i, (p, w))| c(&i.to_string(), *p, *w)).collect();
            let cp = consensus_price(&cs).unwrap();
            let lo = cs.iter().map(|c| c.price).min().unwrap();
            let hi = cs.iter().map(|c| c.price).max().unwrap();
            prop_assert!(lo <= cp.price && cp.price <= hi);
            prop_assert!(cp.confidence <= hi - lo);
            let mut rev = cs.clone();
            rev.reverse();
            prop_assert_eq!(consensus_price(&rev), Some(cp));
        }
    }
}
