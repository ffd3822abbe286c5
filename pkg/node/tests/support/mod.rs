//! Helpers shared by the node's actor tests.

use std::time::{Duration, Instant};

/// Waits until `done` holds, checking every few milliseconds, for at most 30 s.
pub(crate) async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        actix::clock::sleep(Duration::from_millis(5)).await;
    }
}
