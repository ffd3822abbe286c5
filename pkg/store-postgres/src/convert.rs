//! Conversions between record fields and PostgreSQL values.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mdn_protocol::{Hash32, PublicKey, Symbol};
use mdn_store::StoreError;

/// Milliseconds since the Unix epoch as a `TIMESTAMPTZ` value.
pub(crate) fn time(ms: i64) -> SystemTime {
    let magnitude = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 {
        UNIX_EPOCH + magnitude
    } else {
        UNIX_EPOCH - magnitude
    }
}

/// A `TIMESTAMPTZ` value as milliseconds since the Unix epoch (saturating).
pub(crate) fn millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |m| -m),
    }
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

/// A stored non-negative count.
pub(crate) fn count(what: &'static str, n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| StoreError::corrupt(what, format!("negative count {n}")))
}

/// A stored small non-negative number.
pub(crate) fn small(what: &'static str, n: i32) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| StoreError::corrupt(what, format!("negative value {n}")))
}

/// A page limit as a SQL `LIMIT` value.
pub(crate) fn limit(n: u32) -> i64 {
    i64::from(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_round_trip_including_before_epoch() {
        for ms in [0, 1, -1, 1_700_000_000_123, -86_400_000_001] {
            assert_eq!(millis(time(ms)), ms);
        }
    }

    #[test]
    fn short_hash_is_corrupt() {
        assert!(matches!(
            hash32("quote id", &[1, 2]),
            Err(StoreError::Corrupt { .. })
        ));
    }
}
