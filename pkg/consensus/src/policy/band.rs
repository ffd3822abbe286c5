//! Price bands in basis points and the median of reference prices, in exact decimals.

use rust_decimal::Decimal;

/// Basis points in one whole.
const BPS_PER_ONE: u32 = 10_000;

/// True when `price` is within `bps` basis points of `reference`: `|price - reference| · 10,000 <=
/// reference · bps`. Both prices must be positive. Exact except where a product overflows
/// `Decimal`, where it falls back to comparing `|price - reference| / reference` (still monotone in
/// the distance).
pub(crate) fn within_band(price: Decimal, reference: Decimal, bps: u32) -> bool {
    let diff = (price - reference).abs();
    let lhs = diff.checked_mul(Decimal::from(BPS_PER_ONE));
    let rhs = reference.checked_mul(Decimal::from(bps));
    match (lhs, rhs) {
        (Some(l), Some(r)) => l <= r,
        // Only the left side overflowed: it is larger than anything that fits.
        (None, Some(_)) => false,
        (Some(_), None) => true,
        (None, None) => match diff.checked_div(reference) {
            Some(rel) => rel <= Decimal::from(bps) / Decimal::from(BPS_PER_ONE),
            None => false,
        },
    }
}

/// The median of `values` (mean of the two middle ones for an even count); `None` when empty.
pub(crate) fn median(values: &mut [Decimal]) -> Option<Decimal> {
    values.sort_unstable();
    let n = values.len();
    let mid = n / 2;
    match n {
        0 => None,
        _ if n % 2 == 1 => values.get(mid).copied(),
        _ => {
            let (lo, hi) = (*values.get(mid - 1)?, *values.get(mid)?);
            // lo <= hi, so hi - lo cannot overflow for the positive prices used here.
            Some(lo + (hi - lo) / Decimal::TWO)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn band_edges_are_inclusive_and_exact() {
        // 10 bps of 100 is 0.1.
        assert!(within_band(d("100.1"), d("100"), 10));
        assert!(within_band(d("99.9"), d("100"), 10));
        assert!(!within_band(d("100.1000000001"), d("100"), 10));
        assert!(!within_band(d("99.8999999999"), d("100"), 10));
        assert!(within_band(d("100"), d("100"), 0));
        assert!(!within_band(d("100.0000001"), d("100"), 0));
    }

    #[test]
    fn huge_prices_do_not_overflow() {
        assert!(within_band(Decimal::MAX, Decimal::MAX, 10));
        assert!(!within_band(Decimal::MAX, d("1"), 10_000));
        assert!(!within_band(d("1"), Decimal::MAX, 100));
        assert!(within_band(d("1"), Decimal::MAX, 10_000));
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [d("3"), d("1"), d("2")]), Some(d("2")));
        assert_eq!(
            median(&mut [d("4"), d("1"), d("2"), d("3")]),
            Some(d("2.5"))
        );
        assert_eq!(
            median(&mut [Decimal::MAX, Decimal::MAX]),
            Some(Decimal::MAX)
        );
    }
}
