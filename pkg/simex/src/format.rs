//! Number and time formatting shared by the venue views: decimal strings with a precision that fits
//! the price level, and RFC 3339 timestamps.

use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;

/// Decimal places of quantities and volumes.
pub(crate) const QTY_DECIMALS: u32 = 8;

/// Decimal places for a price: at least six significant digits, two decimals for prices of 1,000
/// and more (60000.00, 150.000, 0.600000, 0.00000900000).
pub fn price_decimals(price: f64) -> u32 {
    if !(price.is_finite() && price > 0.0) {
        return 2;
    }
    let magnitude = price.log10().floor() as i64;
    (5 - magnitude).clamp(2, 16) as u32
}

/// Scaled values below this are integers that `f64` holds exactly (2^53), so rounding the
/// scaled value directly is as good as the exact conversion.
const EXACT_SCALED: f64 = 9_007_199_254_740_992.0;

/// `x` as a decimal with exactly `decimals` places (0 for non-finite input), rounded to nearest.
///
/// Most values take the fast path: `x × 10^decimals` rounded as an integer mantissa, within one
/// unit of the last place of `x`'s exact value rounded (it can differ only next to a rounding
/// midpoint). `Decimal::from_f64` then `rescale` was a third of the simulated exchange's CPU
/// time; it stays for values too large for the fast path.
pub fn decimal(x: f64, decimals: u32) -> Decimal {
    let scaled = x * 10f64.powi(i32::try_from(decimals).unwrap_or(i32::MAX));
    if scaled.is_finite() && scaled.abs() < EXACT_SCALED {
        // In range by the check above: the cast is exact.
        return Decimal::new(scaled.round() as i64, decimals);
    }
    slow_decimal(x, decimals)
}

/// `x` converted by `rust_decimal`, then rounded to `decimals` places (0 for non-finite input).
fn slow_decimal(x: f64, decimals: u32) -> Decimal {
    let mut d = Decimal::from_f64(x).unwrap_or(Decimal::ZERO);
    d.rescale(decimals);
    d
}

/// A price as a decimal with the precision of [`price_decimals`].
pub fn price(x: f64) -> Decimal {
    decimal(x, price_decimals(x))
}

/// A quantity or volume as a decimal with eight places.
pub fn qty(x: f64) -> Decimal {
    decimal(x, QTY_DECIMALS)
}

/// Unix milliseconds as RFC 3339 UTC with microseconds, e.g. `2026-11-21T04:30:00.123000Z`.
pub fn rfc3339_micros(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let millis = unix_ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60,
        millis * 1000
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn precision_fits_the_level() {
        assert_eq!(price(60_000.123).to_string(), "60000.12");
        assert_eq!(price(3_000.0).to_string(), "3000.00");
        assert_eq!(price(150.0).to_string(), "150.000");
        assert_eq!(price(7.0).to_string(), "7.00000");
        assert_eq!(price(0.6).to_string(), "0.600000");
        assert_eq!(price(0.000009).to_string(), "0.00000900000");
        assert_eq!(qty(1.5).to_string(), "1.50000000");
    }

    #[test]
    fn known_timestamps() {
        assert_eq!(rfc3339_micros(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            rfc3339_micros(951_782_400_000),
            "2000-02-29T00:00:00.000000Z"
        );
        assert_eq!(
            rfc3339_micros(1_795_235_400_123),
            "2026-11-21T04:30:00.123000Z"
        );
        assert_eq!(rfc3339_micros(-1), "1969-12-31T23:59:59.999000Z");
    }

    proptest! {
        #[test]
        fn positive_prices_stay_positive_with_six_digits(exp in -7.0f64..7.0) {
            let x = 10f64.powf(exp);
            let d = price(x);
            prop_assert!(d > Decimal::ZERO);
            let digits = d.mantissa().to_string().trim_start_matches('0').len();
            prop_assert!(digits >= 6, "{d}");
        }

        #[test]
        fn fast_conversion_rounds_the_exact_value(
            (decimals, exp) in (0u32..17).prop_flat_map(|d| (Just(d), -9.0f64..(15.0 - f64::from(d)))),
            mantissa in 1.0f64..10.0,
            negative: bool,
        ) {
            let x = mantissa * 10f64.powf(exp) * if negative { -1.0 } else { 1.0 };
            let scaled = x * 10f64.powi(decimals as i32);
            // Larger values take `rust_decimal`'s conversion.
            prop_assume!(scaled.abs() < EXACT_SCALED);
            let fast = decimal(x, decimals);
            // `x`'s binary value in full (to 28 significant digits), rounded to `decimals`.
            let mut exact = Decimal::from_f64_retain(x).unwrap_or(Decimal::ZERO);
            exact.rescale(decimals);
            prop_assert_eq!(fast.scale(), decimals);
            prop_assert!((fast - exact).abs() <= Decimal::new(1, decimals), "{} against {}", fast, exact);
            // Away from a rounding midpoint (beyond the product's own rounding error) the two
            // agree exactly.
            let margin = 1e-6 + scaled.abs() * 1e-15;
            if (scaled.fract().abs() - 0.5).abs() > margin {
                prop_assert_eq!(fast, exact);
            }
        }

        #[test]
        fn dates_are_valid(ms in -10_000_000_000_000i64..10_000_000_000_000) {
            let s = rfc3339_micros(ms);
            prop_assert_eq!(s.len(), 27, "{}", s);
            let month: u32 = s[5..7].parse().unwrap_or(0);
            let day: u32 = s[8..10].parse().unwrap_or(0);
            prop_assert!((1..=12).contains(&month) && (1..=31).contains(&day));
        }
    }
}
