//! Medians: of scores (plain, `f64`), of prices (weighted, exact decimals), and the weighted median
//! absolute deviation used as a price's confidence.

use rust_decimal::Decimal;

/// The median of `values` (mean of the two middle ones for an even count); `None` when empty.
/// NaN values are ignored.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

/// The lower weighted median of `(value, weight)` pairs: the smallest value at which the
/// cumulative weight reaches half the total. Exact (no averaging), so always one of the inputs.
/// `None` when the total weight is zero.
pub fn weighted_median(items: &[(Decimal, u64)]) -> Option<Decimal> {
    let mut v: Vec<(Decimal, u64)> = items.iter().copied().filter(|(_, w)| *w > 0).collect();
    let total: u128 = v.iter().map(|(_, w)| u128::from(*w)).sum();
    if total == 0 {
        return None;
    }
    v.sort_by_key(|a| a.0);
    let mut acc: u128 = 0;
    for (value, w) in v {
        acc += u128::from(w);
        if acc * 2 >= total {
            return Some(value);
        }
    }
    None
}

/// The weighted median of `|value - center|`: a robust dispersion. `None` when the total weight is
/// zero.
pub fn weighted_mad(items: &[(Decimal, u64)], center: Decimal) -> Option<Decimal> {
    let deviations: Vec<(Decimal, u64)> = items
        .iter()
        .map(|(v, w)| ((*v - center).abs(), *w))
        .collect();
    weighted_median(&deviations)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(v: i64) -> Decimal {
        Decimal::new(v, 2)
    }

    #[test]
    fn plain_median() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[f64::NAN, 1.0]), Some(1.0));
    }

    #[test]
    fn weights_move_the_median() {
        assert_eq!(
            weighted_median(&[(d(100), 1), (d(200), 1), (d(300), 1)]),
            Some(d(200))
        );
        assert_eq!(
            weighted_median(&[(d(100), 5), (d(200), 1), (d(300), 1)]),
            Some(d(100))
        );
        assert_eq!(weighted_median(&[(d(100), 0), (d(300), 0)]), None);
        assert_eq!(
            weighted_mad(&[(d(100), 1), (d(200), 1), (d(400), 1)], d(200)),
            Some(d(100))
        );
    }

    fn items() -> impl Strategy<Value = Vec<(Decimal, u64)>> {
        prop::collection::vec((1i64..10_000_000, 0u64..10_000), 1..20)
            .prop_map(|v| v.into_iter().map(|(p, w)| (d(p), w)).collect())
    }

    proptest! {
        #[test]
        fn weighted_median_is_within_the_inputs(v in items()) {
            if let Some(m) = weighted_median(&v) {
                let weighted: Vec<Decimal> = v.iter().filter(|(_, w)| *w > 0).map(|(p, _)| *p).collect();
                prop_assert!(weighted.contains(&m));
                prop_assert!(weighted.iter().all(|p| *p >= m) || weighted.iter().any(|p| *p <= m));
                let lo = weighted.iter().min().unwrap();
                let hi = weighted.iter().max().unwrap();
                prop_assert!(*lo <= m && m <= *hi);
            } else {
                prop_assert!(v.iter().all(|(_, w)| *w == 0));
            }
        }

        #[test]
        fn weighted_median_is_permutation_invariant(v in items(), seed in any::<u64>()) {
            let mut shuffled = v.clone();
            // A deterministic shuffle from the seed.
            let n = shuffled.len();
            let mut s = seed;
            for i in (1..n).rev() {
                s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let j = usize::try_from(s % (u64::try_from(i).unwrap() + 1)).unwrap();
                shuffled.swap(i, j);
            }
            prop_assert_eq!(weighted_median(&v), weighted_median(&shuffled));
        }

        #[test]
        fn median_is_within_the_inputs(v in prop::collection::vec(-1e6f64..1e6, 1..30)) {
            let m = median(&v).unwrap();
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(lo <= m && m <= hi);
        }
    }
}
