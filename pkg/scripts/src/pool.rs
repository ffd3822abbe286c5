//! [`ScriptPool`]: runs scripts on blocking threads, at most `workers` at a time, never on the
//! async threads.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::fetch::{Fetcher, HttpFetcher};
use crate::limits::Limits;
use crate::report::{RunOutcome, RunReport, RunRequest};
use crate::runner::run_blocking;
use crate::script::Script;

/// A bounded pool of script runners.
#[derive(Debug, Clone)]
pub struct ScriptPool {
    permits: Arc<Semaphore>,
    limits: Limits,
    fetcher: Arc<dyn Fetcher>,
}

/// Why a pool cannot be built.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the script pool: {0}")]
pub struct PoolError(#[from] crate::fetch::FetchError);

impl ScriptPool {
    /// A pool of `workers` (at least 1) runners using the real HTTP client.
    pub fn new(workers: usize, limits: Limits) -> Result<Self, PoolError> {
        Ok(Self::with_fetcher(
            workers,
            limits,
            Arc::new(HttpFetcher::new()?),
        ))
    }

    /// A pool with a given fetcher (tests and benchmarks).
    pub fn with_fetcher(workers: usize, limits: Limits, fetcher: Arc<dyn Fetcher>) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(workers.max(1))),
            limits,
            fetcher,
        }
    }

    /// The limits every run gets.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Runs `script` once on a blocking thread, waiting for a free worker first.
    pub async fn run(&self, script: Arc<Script>, request: RunRequest) -> RunReport {
        let internal = |message: String| RunReport {
            quotes: Vec::new(),
            rejected: Vec::new(),
            outcome: RunOutcome::ScriptError {
                message,
                line: 0,
                column: 0,
            },
            duration_ms: 0,
        };
        let Ok(_permit) = self.permits.acquire().await else {
            return internal("the script pool is closed".to_owned());
        };
        let limits = self.limits.clone();
        let fetcher = Arc::clone(&self.fetcher);
        let task =
            tokio::task::spawn_blocking(move || run_blocking(&script, &request, &limits, fetcher));
        match task.await {
            Ok(report) => report,
            Err(e) => internal(format!("the script runner failed: {e}")),
        }
    }
}
