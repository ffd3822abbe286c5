//! Caller-set limits of one script run.

use std::time::Duration;

/// Sandbox limits. Every run is bounded by all of them at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock budget of the whole run, HTTP included.
    pub timeout: Duration,
    /// Maximum Rhai operations (statements, expressions, calls) per run.
    pub max_operations: u64,
    /// Maximum length of any string, in bytes (Rhai also sums nested strings of a value).
    pub max_string_size: usize,
    /// Maximum number of array elements in one value (nested arrays counted).
    pub max_array_size: usize,
    /// Maximum number of map entries in one value (nested maps counted).
    pub max_map_size: usize,
    /// Maximum depth of function calls.
    pub max_call_levels: usize,
    /// Maximum expression nesting depth (global level, inside functions).
    pub max_expr_depth: (usize, usize),
    /// Timeout of one HTTP request (also bounded by what is left of `timeout`).
    pub http_timeout: Duration,
    /// Maximum size of one HTTP response body, in bytes; longer bodies are an error.
    pub max_response_bytes: usize,
    /// Maximum HTTP requests per run.
    pub max_requests: u32,
    /// Maximum `emit` calls per run.
    pub max_quotes: usize,
    /// How far in the future `observed_at` may be (clock skew), in ms.
    pub max_future_skew_ms: i64,
    /// How old `observed_at` may be, in ms.
    pub max_age_ms: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            max_operations: 2_000_000,
            max_string_size: 8 * 1024 * 1024,
            max_array_size: 100_000,
            max_map_size: 500_000,
            max_call_levels: 32,
            max_expr_depth: (64, 32),
            http_timeout: Duration::from_millis(1_500),
            max_response_bytes: 4 * 1024 * 1024,
            max_requests: 64,
            max_quotes: 10_000,
            max_future_skew_ms: 5_000,
            max_age_ms: 5 * 60 * 1_000,
        }
    }
}
