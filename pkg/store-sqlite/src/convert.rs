//! Conversions between record fields and SQLite values (decimals as canonical text).

use std::str::FromStr;

use mdn_protocol::{Hash32, PublicKey, Symbol};
use mdn_store::StoreError;
use rust_decimal::Decimal;

/// A decimal as stored: its canonical string (scale kept).
pub(crate) fn dec(d: &Decimal) -> String {
    d.to_string()
}

/// Stored text as a decimal.
pub(crate) fn parse_dec(what: &'static str, s: &str) -> Result<Decimal, StoreError> {
    Decimal::from_str(s).map_err(|e| StoreError::corrupt(what, format!("{s:?}: {e}")))
}

/// 32 stored bytes as a hash.
pub(crate) fn hash32(what: &'static str, bytes: &[u8]) -> Result<Hash32, StoreError> {
    <[u8; 32]>::try_from(bytes)
        .map(Hash32)
        .map_err(|_| StoreError::corrupt(what, format!("expected 32 bytes, got {}", bytes.len())))
}

/// 32 stored bytes as a public key.
pub(crate) fn key(what: &'static str, bytes: &[u8]) -> Result<PublicKey, StoreError> {
    hash32(what, bytes).map(|h| PublicKey(h.0))
}

/// Stored text as a symbol.
pub(crate) fn symbol(what: &'static str, text: &str) -> Result<Symbol, StoreError> {
    Symbol::parse(text).map_err(|e| StoreError::corrupt(what, e))
}

/// A stored non-negative integer.
pub(crate) fn unsigned<T: TryFrom<i64>>(what: &'static str, n: i64) -> Result<T, StoreError> {
    T::try_from(n).map_err(|_| StoreError::corrupt(what, format!("out of range: {n}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_round_trip_with_scale() {
        for s in ["100.00", "0.000001", "-5", "79228162514264337593543950335"] {
            let d = Decimal::from_str(s).expect("valid");
            assert_eq!(dec(&parse_dec("t", &dec(&d)).expect("parse")), s);
        }
    }

    #[test]
    fn garbage_decimal_is_corrupt() {
        assert!(matches!(
            parse_dec("price", "abc"),
            Err(StoreError::Corrupt { .. })
        ));
    }
}
