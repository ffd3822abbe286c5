//! Output validation: every emitted item is checked before anything leaves the runtime. Pure.
//!
//! Rules: the symbol is `BASE/QUOTE` and, when the run has a symbol set, one of it; the price is a
//! positive exact decimal; bid, ask and volume, when present, are exact decimals with bid and ask
//! positive, `bid <= ask` and volume non-negative; `observed_at` is at most `max_future_skew_ms` ahead
//! of now and at most `max_age_ms` old; the item carries evidence (an HTTP response was fetched
//! before it was emitted); a symbol appears once per run. Invalid items are dropped with a reason.

use std::collections::{BTreeSet, HashSet};
use std::str::FromStr;

use mdn_protocol::{Hash32, Symbol};
use rust_decimal::Decimal;

use crate::report::ScrapedQuote;

/// One item as a script emitted it: numbers as their exact decimal text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmittedQuote {
    /// The `symbol` field.
    pub symbol: String,
    /// The `price` field as text.
    pub price: String,
    /// The `bid` field as text, if given.
    pub bid: Option<String>,
    /// The `ask` field as text, if given.
    pub ask: Option<String>,
    /// The `volume` field as text, if given.
    pub volume: Option<String>,
    /// `observed_at` in ms since the Unix epoch.
    pub observed_at_ms: i64,
    /// SHA-256 of the last HTTP body fetched before the emit, if any.
    pub evidence_hash: Option<Hash32>,
}

/// What valid output looks like for one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputPolicy {
    /// Allowed symbols; `None` = any well-formed symbol.
    pub allowed: Option<BTreeSet<Symbol>>,
    /// "Now" of the check, ms since the Unix epoch.
    pub now_ms: i64,
    /// How far ahead of `now_ms` an observation may be.
    pub max_future_skew_ms: i64,
    /// How far behind `now_ms` an observation may be.
    pub max_age_ms: i64,
}

/// Validates `items` in order: the valid ones become quotes, each invalid one a reason.
pub fn validate_output(
    items: &[EmittedQuote],
    policy: &OutputPolicy,
    script_hash: Hash32,
) -> (Vec<ScrapedQuote>, Vec<String>) {
    let mut quotes = Vec::with_capacity(items.len());
    let mut rejected = Vec::new();
    let mut seen = HashSet::with_capacity(items.len());
    for item in items {
        match validate_one(item, policy, script_hash) {
            Ok(q) if !seen.insert(q.symbol.clone()) => {
                rejected.push(format!(
                    "{}: duplicate symbol in one run, kept the first",
                    q.symbol
                ));
            }
            Ok(q) => quotes.push(q),
            Err(why) => rejected.push(format!("{}: {why}", item.symbol)),
        }
    }
    (quotes, rejected)
}

/// The words that mark an item dropped as too old, as they appear in [`crate::RunReport`]'s
/// `rejected` lines (`SYMBOL: observed_at … ms old (allowed … ms)`).
pub(crate) const STALE_WORDS: &str = " ms old (allowed ";

/// Validates one item.
pub fn validate_one(
    item: &EmittedQuote,
    policy: &OutputPolicy,
    script_hash: Hash32,
) -> Result<ScrapedQuote, String> {
    let symbol = Symbol::parse(&item.symbol).map_err(|e| e.to_string())?;
    if let Some(allowed) = &policy.allowed
        && !allowed.contains(&symbol)
    {
        return Err("symbol was not requested".to_owned());
    }
    let price = parse_decimal("price", &item.price)?;
    if price <= Decimal::ZERO {
        return Err(format!("price must be positive, got {price}"));
    }
    let bid = item
        .bid
        .as_deref()
        .map(|t| parse_decimal("bid", t))
        .transpose()?;
    let ask = item
        .ask
        .as_deref()
        .map(|t| parse_decimal("ask", t))
        .transpose()?;
    for (name, v) in [("bid", bid), ("ask", ask)] {
        if let Some(v) = v
            && v <= Decimal::ZERO
        {
            return Err(format!("{name} must be positive, got {v}"));
        }
    }
    if let (Some(b), Some(a)) = (bid, ask)
        && b > a
    {
        return Err(format!("bid {b} is above ask {a}"));
    }
    let volume = item
        .volume
        .as_deref()
        .map(|t| parse_decimal("volume", t))
        .transpose()?;
    if let Some(v) = volume
        && v < Decimal::ZERO
    {
        return Err(format!("volume must not be negative, got {v}"));
    }
    let ahead = item.observed_at_ms.saturating_sub(policy.now_ms);
    if ahead > policy.max_future_skew_ms {
        return Err(format!(
            "observed_at {} is {ahead} ms in the future (allowed {} ms)",
            item.observed_at_ms, policy.max_future_skew_ms
        ));
    }
    let age = policy.now_ms.saturating_sub(item.observed_at_ms);
    if age > policy.max_age_ms {
        return Err(format!(
            "observed_at {} is {age}{STALE_WORDS}{} ms)",
            item.observed_at_ms, policy.max_age_ms
        ));
    }
    let evidence_hash = item
        .evidence_hash
        .ok_or_else(|| "emitted before any HTTP response was fetched (no evidence)".to_owned())?;
    Ok(ScrapedQuote {
        symbol,
        price,
        bid,
        ask,
        volume,
        observed_at_ms: item.observed_at_ms,
        evidence_hash,
        script_hash,
    })
}

/// Parses an exact decimal `-?DIGITS(.DIGITS)?`: no exponent, sign `+`, spaces or rounding.
pub fn parse_decimal(field: &str, text: &str) -> Result<Decimal, String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return Err(format!(
            "{field} {text:?} is not a decimal number like 123.45"
        ));
    }
    Decimal::from_str_exact(text)
        .or_else(|_| Decimal::from_str(text).and_then(|d| exact_or_err(d, text)))
        .map_err(|_| format!("{field} {text:?} does not fit an exact 96-bit decimal"))
}

/// Accepts `d` only if it still has every digit of `text` (no rounding happened).
fn exact_or_err(d: Decimal, text: &str) -> Result<Decimal, rust_decimal::Error> {
    let trimmed = |s: &str| s.trim_end_matches('0').trim_end_matches('.').to_owned();
    let shown = d.to_string();
    if text.contains('.') && trimmed(&shown) == trimmed(text) {
        Ok(d)
    } else {
        Err(rust_decimal::Error::ExceedsMaximumPossibleValue)
    }
}

#[cfg(test)]
mod tests;
