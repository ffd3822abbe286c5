//! The curated list of real crypto bases with realistic starting prices and daily volumes, and the
//! synthetic bases (`SYN001`, ...) that fill up larger markets.

use crate::rng::{self, Stream};

/// Quote currency of every market symbol.
pub const QUOTE: &str = "USD";

/// Fewest symbols a market can have.
pub const MIN_SYMBOLS: usize = 1;
/// Most symbols a market can have.
pub const MAX_SYMBOLS: usize = 1000;
/// Default number of symbols.
pub const DEFAULT_SYMBOLS: usize = 50;

/// One base asset: its ticker, starting price in USD and typical daily traded value in USD.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    /// Ticker of the base asset, e.g. `BTC`.
    pub base: String,
    /// Price at market tick 0, in USD.
    pub start_price: f64,
    /// Typical traded value over 24 hours on one venue, in USD.
    pub daily_volume_usd: f64,
}

/// `(base, starting price, daily volume in USD)`, roughly in order of market capitalisation.
const CURATED: &[(&str, f64, f64)] = &[
    ("BTC", 60_000.0, 2.0e9),
    ("ETH", 3_000.0, 1.0e9),
    ("SOL", 150.0, 4.0e8),
    ("XRP", 0.6, 3.0e8),
    ("DOGE", 0.15, 2.5e8),
    ("BNB", 550.0, 2.0e8),
    ("ADA", 0.45, 1.2e8),
    ("AVAX", 35.0, 1.0e8),
    ("TRX", 0.12, 8.0e7),
    ("DOT", 7.0, 6.0e7),
    ("LINK", 15.0, 8.0e7),
    ("TON", 6.0, 5.0e7),
    ("LTC", 80.0, 7.0e7),
    ("BCH", 400.0, 6.0e7),
    ("SHIB", 0.00002, 5.0e7),
    ("XLM", 0.11, 3.0e7),
    ("ATOM", 8.0, 3.0e7),
    ("ETC", 25.0, 3.0e7),
    ("XMR", 160.0, 2.0e7),
    ("UNI", 8.0, 3.0e7),
    ("NEAR", 5.0, 3.0e7),
    ("APT", 9.0, 2.5e7),
    ("ICP", 10.0, 2.0e7),
    ("FIL", 5.0, 2.0e7),
    ("HBAR", 0.08, 2.0e7),
    ("ARB", 1.0, 3.0e7),
    ("OP", 2.0, 2.5e7),
    ("SUI", 1.2, 3.0e7),
    ("PEPE", 0.000009, 6.0e7),
    ("AAVE", 100.0, 2.0e7),
    ("MKR", 2_500.0, 1.0e7),
    ("INJ", 25.0, 1.5e7),
    ("RENDER", 7.0, 1.5e7),
    ("FET", 1.3, 2.0e7),
    ("VET", 0.03, 1.0e7),
    ("ALGO", 0.18, 1.0e7),
    ("STX", 1.8, 1.0e7),
    ("IMX", 1.6, 1.0e7),
    ("GRT", 0.2, 1.0e7),
    ("TIA", 8.0, 1.5e7),
    ("SEI", 0.4, 1.0e7),
    ("QNT", 90.0, 5.0e6),
    ("LDO", 2.0, 1.0e7),
    ("RUNE", 5.0, 1.0e7),
    ("ZEC", 30.0, 8.0e6),
    ("XTZ", 0.9, 5.0e6),
    ("EOS", 0.7, 5.0e6),
    ("SAND", 0.4, 6.0e6),
    ("MANA", 0.4, 5.0e6),
    ("AXS", 7.0, 5.0e6),
    ("EGLD", 35.0, 4.0e6),
    ("FLOW", 0.7, 4.0e6),
    ("CRV", 0.4, 8.0e6),
    ("SNX", 2.5, 4.0e6),
    ("COMP", 55.0, 4.0e6),
    ("CHZ", 0.08, 5.0e6),
    ("GALA", 0.03, 6.0e6),
    ("BAT", 0.22, 3.0e6),
    ("ENJ", 0.25, 3.0e6),
    ("KSM", 30.0, 3.0e6),
    ("YFI", 7_000.0, 3.0e6),
    ("SUSHI", 1.0, 4.0e6),
    ("1INCH", 0.4, 4.0e6),
    ("ZRX", 0.4, 2.0e6),
];

/// Number of curated (real) bases.
pub fn curated_len() -> usize {
    CURATED.len()
}

/// The first `n` bases: the curated list in order, then synthetic `SYN001`, `SYN002`, ... with
/// starting prices between 0.001 and 1,000 USD derived from `seed`.
pub(crate) fn assets(n: usize, seed: u64) -> Vec<Asset> {
    let curated = CURATED
        .iter()
        .map(|&(base, start_price, daily_volume_usd)| Asset {
            base: base.to_owned(),
            start_price,
            daily_volume_usd,
        });
    let synthetic = (1..).map(|i: u64| {
        let base = format!("SYN{i:03}");
        let id = rng::name_id(&base);
        let price_exp = rng::unit(seed, Stream::Synthetic, id, 0) * 6.0 - 3.0;
        let volume_exp = rng::unit(seed, Stream::Synthetic, id, 1) * 2.0 + 5.0;
        Asset {
            base,
            start_price: round_sig(10f64.powf(price_exp), 3),
            daily_volume_usd: 10f64.powf(volume_exp),
        }
    });
    curated.chain(synthetic).take(n).collect()
}

/// Rounds to `digits` significant digits.
fn round_sig(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn curated_list_is_large_unique_and_positive() {
        assert!(curated_len() >= 50);
        let all = assets(MAX_SYMBOLS, 9);
        assert_eq!(all.len(), MAX_SYMBOLS);
        let names: HashSet<_> = all.iter().map(|a| a.base.as_str()).collect();
        assert_eq!(names.len(), MAX_SYMBOLS, "bases must be unique");
        assert!(
            all.iter()
                .all(|a| a.start_price > 0.0 && a.daily_volume_usd > 0.0)
        );
        assert_eq!(all[0].base, "BTC");
        assert_eq!(all[curated_len()].base, "SYN001");
        assert_eq!(
            all[MAX_SYMBOLS - 1].base,
            format!("SYN{:03}", MAX_SYMBOLS - curated_len())
        );
    }

    #[test]
    fn synthetic_prices_depend_on_seed_only() {
        let a = assets(100, 1);
        assert_eq!(a, assets(100, 1));
        assert_ne!(a, assets(100, 2));
        let p = a[curated_len()].start_price;
        assert!((0.001..=1000.0).contains(&p), "{p}");
    }
}
