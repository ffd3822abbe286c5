//! Fault injection (pure): fault kinds, the `VENUE[:SYMBOL]=KIND[:VALUE]` spec syntax, and the
//! table of active faults with its precedence rule (a symbol's fault overrides its venue's).
//!
//! How faults act on a response (see `server::respond`):
//! - `offset` and `stale` change the entries they apply to (price × (1 + pct/100); the view and its
//!   timestamps frozen at the tick the fault was set).
//! - `fail`, `slow` and `garbage` act on whole responses that contain a symbol they apply to (a
//!   venue-wide one applies to every symbol without a fault of its own, and to error answers). A
//!   symbol's own `fail` makes single-symbol requests fail with 503 and drops the symbol from list
//!   responses.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use rust_decimal::Decimal;

use crate::venue::{UnknownVenue, Venue};

/// What a fault does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Prices (last, bid, ask and statistics) multiplied by `1 + pct / 100`.
    Offset {
        /// The offset in percent, e.g. 5 or -2.5.
        pct: Decimal,
    },
    /// Prices and the venue's timestamps frozen at the moment the fault was set.
    Stale,
    /// HTTP 503 with a venue-like error body.
    Fail,
    /// The response delayed by a duration.
    Slow {
        /// How long to delay.
        delay: Duration,
    },
    /// HTTP 200 with a body that is not JSON.
    Garbage,
}

/// A fault on a venue, or on one symbol of a venue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSpec {
    /// The venue.
    pub venue: Venue,
    /// The market symbol (`BTC/USD`), or `None` for the whole venue.
    pub symbol: Option<String>,
    /// What the fault does.
    pub kind: FaultKind,
}

/// A fault spec or one of its parts could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaultParseError {
    /// No `=` between target and kind.
    #[error("fault spec {0:?}: expected VENUE[:SYMBOL]=KIND[:VALUE], found no '='")]
    MissingEquals(String),
    /// The venue part was wrong.
    #[error("fault spec venue: {0}")]
    Venue(#[from] UnknownVenue),
    /// The symbol part was not `BASE/QUOTE`.
    #[error("fault spec symbol {0:?}: expected BASE/USD, e.g. BTC/USD")]
    Symbol(String),
    /// The kind was unknown.
    #[error("fault kind {0:?}: expected one of offset, stale, fail, slow, garbage")]
    Kind(String),
    /// A kind that needs a value had none.
    #[error("fault kind {0}: missing value, e.g. {1}")]
    MissingValue(&'static str, &'static str),
    /// A kind that takes no value had one.
    #[error("fault kind {0}: takes no value, got {1:?}")]
    UnexpectedValue(&'static str, String),
    /// The offset was not a percentage.
    #[error("offset value {0:?}: expected a percentage such as 5% or -2.5%")]
    Offset(String),
    /// The duration was not a number with a unit.
    #[error("slow value {0:?}: expected a duration such as 2s or 500ms")]
    Duration(String),
}

impl FaultKind {
    /// The kind's name as used in specs.
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::Offset { .. } => "offset",
            FaultKind::Stale => "stale",
            FaultKind::Fail => "fail",
            FaultKind::Slow { .. } => "slow",
            FaultKind::Garbage => "garbage",
        }
    }

    /// The value as written in specs (`5%`, `500ms`), if the kind has one.
    pub fn value(&self) -> Option<String> {
        match self {
            FaultKind::Offset { pct } => Some(format!("{}%", pct.normalize())),
            FaultKind::Slow { delay } => Some(format!("{}ms", delay.as_millis())),
            _ => None,
        }
    }

    /// Builds a kind from its name and optional value.
    pub fn parse(kind: &str, value: Option<&str>) -> Result<FaultKind, FaultParseError> {
        let kind = kind.trim().to_ascii_lowercase();
        let no_value = |name: &'static str, k: FaultKind| match value {
            Some(v) => Err(FaultParseError::UnexpectedValue(name, v.to_owned())),
            None => Ok(k),
        };
        match kind.as_str() {
            "offset" => {
                let v = value.ok_or(FaultParseError::MissingValue("offset", "offset:5%"))?;
                Ok(FaultKind::Offset { pct: parse_pct(v)? })
            }
            "slow" => {
                let v = value.ok_or(FaultParseError::MissingValue("slow", "slow:2s"))?;
                Ok(FaultKind::Slow {
                    delay: parse_duration(v)?,
                })
            }
            "stale" => no_value("stale", FaultKind::Stale),
            "fail" => no_value("fail", FaultKind::Fail),
            "garbage" => no_value("garbage", FaultKind::Garbage),
            _ => Err(FaultParseError::Kind(kind)),
        }
    }
}

fn parse_pct(v: &str) -> Result<Decimal, FaultParseError> {
    let bad = || FaultParseError::Offset(v.to_owned());
    let number = v.trim().strip_suffix('%').unwrap_or(v.trim());
    let pct: Decimal = number.trim().parse().map_err(|_| bad())?;
    if pct <= Decimal::from(-100) || pct > Decimal::from(10_000) {
        return Err(bad());
    }
    Ok(pct)
}

fn parse_duration(v: &str) -> Result<Duration, FaultParseError> {
    let bad = || FaultParseError::Duration(v.to_owned());
    let v = v.trim();
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(bad)?;
    let (number, unit) = v.split_at(split);
    let number: f64 = number.parse().map_err(|_| bad())?;
    let secs = match unit.trim() {
        "ms" => number / 1000.0,
        "s" => number,
        "m" => number * 60.0,
        _ => return Err(bad()),
    };
    if !(0.0..=3600.0).contains(&secs) {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Normalises and checks a market symbol: upper case, `BASE/QUOTE` with non-empty alphanumeric parts.
pub(crate) fn normalize_symbol(symbol: &str) -> Result<String, FaultParseError> {
    let upper = symbol.trim().to_uppercase();
    let ok = upper.split_once('/').is_some_and(|(b, q)| {
        let part = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric());
        part(b) && part(q)
    });
    if ok {
        Ok(upper)
    } else {
        Err(FaultParseError::Symbol(symbol.to_owned()))
    }
}

impl FromStr for FaultSpec {
    type Err = FaultParseError;

    /// Parses `VENUE[:SYMBOL]=KIND[:VALUE]`, e.g. `kraken:BTC/USD=offset:5%` or `binance=slow:2s`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (target, what) = s
            .split_once('=')
            .ok_or_else(|| FaultParseError::MissingEquals(s.to_owned()))?;
        let (venue, symbol) = match target.split_once(':') {
            Some((v, sym)) => (v, Some(sym)),
            None => (target, None),
        };
        let venue: Venue = venue.parse()?;
        let symbol = symbol.map(normalize_symbol).transpose()?;
        let (kind, value) = match what.split_once(':') {
            Some((k, v)) => (k, Some(v)),
            None => (what, None),
        };
        Ok(FaultSpec {
            venue,
            symbol,
            kind: FaultKind::parse(kind, value)?,
        })
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.venue.name())?;
        if let Some(symbol) = &self.symbol {
            write!(f, ":{symbol}")?;
        }
        write!(f, "={}", self.kind.name())?;
        match self.kind.value() {
            Some(v) => write!(f, ":{v}"),
            None => Ok(()),
        }
    }
}

/// An active fault: what it does and the tick at which it was set (the frozen tick of `stale`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveFault {
    /// What the fault does.
    pub kind: FaultKind,
    /// The market tick in progress when the fault was set.
    pub set_at_tick: i64,
}

/// The active faults, at most one per venue and one per (venue, symbol); setting replaces.
#[derive(Debug, Clone, Default)]
pub struct FaultTable {
    /// `(venue, symbol or None)` to fault.
    faults: BTreeMap<(Venue, Option<String>), ActiveFault>,
}

impl FaultTable {
    /// Sets (or replaces) a fault, recording the tick at which it was set.
    pub fn set(&mut self, spec: FaultSpec, tick: i64) {
        let fault = ActiveFault {
            kind: spec.kind,
            set_at_tick: tick,
        };
        self.faults.insert((spec.venue, spec.symbol), fault);
    }

    /// Removes every fault; returns how many there were.
    pub fn clear(&mut self) -> usize {
        let n = self.faults.len();
        self.faults.clear();
        n
    }

    /// The fault in force for `symbol` on `venue`: the symbol's own, else the venue's.
    pub fn effective(&self, venue: Venue, symbol: &str) -> Option<&ActiveFault> {
        self.faults
            .get(&(venue, Some(symbol.to_owned())))
            .or_else(|| self.venue_wide(venue))
    }

    /// The fault set on `symbol` itself on `venue`, if any (not the venue-wide one).
    pub fn symbol_fault(&self, venue: Venue, symbol: &str) -> Option<&ActiveFault> {
        self.faults.get(&(venue, Some(symbol.to_owned())))
    }

    /// The venue-wide fault of `venue`, if any.
    pub fn venue_wide(&self, venue: Venue) -> Option<&ActiveFault> {
        self.faults.get(&(venue, None))
    }

    /// All active faults, ordered by venue then symbol.
    pub fn list(&self) -> Vec<(FaultSpec, i64)> {
        self.faults
            .iter()
            .map(|((venue, symbol), f)| {
                let spec = FaultSpec {
                    venue: *venue,
                    symbol: symbol.clone(),
                    kind: f.kind.clone(),
                };
                (spec, f.set_at_tick)
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "fault_tests.rs"]
mod tests;
