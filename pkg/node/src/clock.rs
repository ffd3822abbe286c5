//! Wall-clock time in the protocol's unit: milliseconds since the Unix epoch, UTC.

/// Now, in ms since the Unix epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
