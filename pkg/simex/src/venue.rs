//! The simulated venues, their per-venue parameters (spread, noise, volume share) and how each one
//! names a market symbol (`BTC/USD` is `BTCUSD` on Binance, `BTC-USD` on Coinbase and OKX, `btcusd`
//! on Bitstamp, `XBTUSD` / `XXBTZUSD` on Kraken).

use std::fmt;
use std::str::FromStr;

use crate::assets::QUOTE;

/// A simulated venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Venue {
    /// Binance Spot API v3.
    Binance,
    /// Coinbase Exchange API.
    Coinbase,
    /// Kraken REST public API.
    Kraken,
    /// Bitstamp API v2.
    Bitstamp,
    /// OKX API v5.
    Okx,
}

/// The venue name was not one of the simulated venues.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown venue {0:?}: expected one of binance, coinbase, kraken, bitstamp, okx")]
pub struct UnknownVenue(pub String);

impl Venue {
    /// All venues, in a fixed order.
    pub const ALL: [Venue; 5] = [
        Venue::Binance,
        Venue::Coinbase,
        Venue::Kraken,
        Venue::Bitstamp,
        Venue::Okx,
    ];

    /// Lower-case name, as used in fault specs and the admin API.
    pub fn name(self) -> &'static str {
        match self {
            Venue::Binance => "binance",
            Venue::Coinbase => "coinbase",
            Venue::Kraken => "kraken",
            Venue::Bitstamp => "bitstamp",
            Venue::Okx => "okx",
        }
    }

    /// Index in [`Venue::ALL`], used to key randomness.
    pub(crate) fn index(self) -> u64 {
        self as u64
    }

    /// Full bid/ask spread in basis points for the most liquid symbols.
    pub(crate) fn spread_bps(self) -> f64 {
        match self {
            Venue::Binance => 1.0,
            Venue::Coinbase => 2.0,
            Venue::Kraken => 3.0,
            Venue::Bitstamp => 4.0,
            Venue::Okx => 1.5,
        }
    }

    /// Share of a symbol's typical daily volume traded on this venue.
    pub(crate) fn volume_share(self) -> f64 {
        match self {
            Venue::Binance => 1.0,
            Venue::Coinbase => 0.5,
            Venue::Kraken => 0.2,
            Venue::Bitstamp => 0.1,
            Venue::Okx => 0.6,
        }
    }

    /// The venue's name for the pair of `base` against USD, as the venue expects it in requests.
    pub fn pair_name(self, base: &str) -> String {
        match self {
            Venue::Binance => format!("{base}{QUOTE}"),
            Venue::Coinbase | Venue::Okx => format!("{base}-{QUOTE}"),
            Venue::Bitstamp => format!("{base}{QUOTE}").to_lowercase(),
            Venue::Kraken => format!("{}{QUOTE}", kraken_asset(base)),
        }
    }
}

impl fmt::Display for Venue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Venue {
    type Err = UnknownVenue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Venue::ALL
            .into_iter()
            .find(|v| v.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownVenue(s.to_owned()))
    }
}

/// Kraken's asset code: `XBT` for BTC, `XDG` for DOGE, the ticker otherwise.
fn kraken_asset(base: &str) -> &str {
    match base {
        "BTC" => "XBT",
        "DOGE" => "XDG",
        other => other,
    }
}

/// Kraken's result key for the pair of `base` against USD: X/Z-prefixed for legacy assets
/// (`XXBTZUSD`, `XETHZUSD`, ...), the request name otherwise (`SOLUSD`, `XDGUSD`).
pub fn kraken_result_key(base: &str) -> String {
    match base {
        "BTC" | "ETH" | "LTC" | "XRP" | "XLM" | "ETC" | "XMR" | "ZEC" => {
            format!("X{}Z{QUOTE}", kraken_asset(base))
        }
        other => Venue::Kraken.pair_name(other),
    }
}

/// Every name under which a venue accepts the pair of `base` in a request (upper-cased where the
/// venue is case-insensitive; Bitstamp's lower-case path name is listed as is).
pub(crate) fn accepted_names(venue: Venue, base: &str) -> Vec<String> {
    match venue {
        Venue::Kraken => {
            let mut names = vec![
                venue.pair_name(base),
                kraken_result_key(base),
                format!("{base}{QUOTE}"),
            ];
            names.dedup();
            names
        }
        other => vec![other.pair_name(base)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_per_venue() {
        assert_eq!(Venue::Binance.pair_name("BTC"), "BTCUSD");
        assert_eq!(Venue::Coinbase.pair_name("BTC"), "BTC-USD");
        assert_eq!(Venue::Okx.pair_name("ETH"), "ETH-USD");
        assert_eq!(Venue::Bitstamp.pair_name("BTC"), "btcusd");
        assert_eq!(Venue::Kraken.pair_name("BTC"), "XBTUSD");
        assert_eq!(Venue::Kraken.pair_name("DOGE"), "XDGUSD");
        assert_eq!(Venue::Kraken.pair_name("SOL"), "SOLUSD");
    }

    #[test]
    fn kraken_result_keys() {
        for (base, key) in [
            ("BTC", "XXBTZUSD"),
            ("ETH", "XETHZUSD"),
            ("LTC", "XLTCZUSD"),
            ("XRP", "XXRPZUSD"),
            ("XLM", "XXLMZUSD"),
            ("ETC", "XETCZUSD"),
            ("XMR", "XXMRZUSD"),
            ("ZEC", "XZECZUSD"),
            ("DOGE", "XDGUSD"),
            ("SOL", "SOLUSD"),
        ] {
            assert_eq!(kraken_result_key(base), key, "{base}");
        }
        assert_eq!(
            accepted_names(Venue::Kraken, "BTC"),
            ["XBTUSD", "XXBTZUSD", "BTCUSD"]
        );
    }

    #[test]
    fn parses_names() {
        for v in Venue::ALL {
            assert_eq!(v.name().parse::<Venue>(), Ok(v));
            assert_eq!(v.to_string().to_uppercase().parse::<Venue>(), Ok(v));
        }
        let err = "ftx".parse::<Venue>().unwrap_err();
        assert!(err.to_string().contains("\"ftx\""), "{err}");
    }
}
