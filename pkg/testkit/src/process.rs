//! Child-process helpers: re-run the current test binary in a special mode, and poll a condition
//! with a deadline instead of sleeping and hoping.

use std::future::Future;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts the current test binary running only test `test_name` (exact match), with `envs` set;
/// the test checks an env var to know it is the child.
pub fn spawn_test_child(test_name: &str, envs: &[(&str, &str)]) -> std::io::Result<Child> {
    let exe = std::env::current_exe()?;
    let mut command = Command::new(exe);
    command
        .args([test_name, "--exact", "--nocapture", "--test-threads=1"])
        .stdin(Stdio::null());
    for (k, v) in envs {
        command.env(k, v);
    }
    command.spawn()
}

/// Polls `check` every 20 ms until it yields `true`; panics naming `what` after `timeout`.
pub async fn eventually<F, Fut>(timeout: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if check().await {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
