//! The connection pool and the retry policy: serialization failures, deadlocks and dropped
//! connections are retried on a fresh connection (safe: every store write is idempotent).

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use mdn_store::StoreError;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Config, NoTls};

/// How many times one operation is tried in all.
pub(crate) const MAX_ATTEMPTS: u32 = 8;

/// An operation's failure: a driver error (maybe retryable) or a store error (final).
#[derive(Debug)]
pub(crate) enum Fail {
    /// From tokio-postgres.
    Pg(tokio_postgres::Error),
    /// Anything else (decoding, invalid input).
    Store(StoreError),
}

impl From<tokio_postgres::Error> for Fail {
    fn from(e: tokio_postgres::Error) -> Self {
        Self::Pg(e)
    }
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Give up.
    No,
    /// Try again on the same kind of connection (serialization failure, deadlock).
    Conflict,
    /// The connection is gone: discard it and try again on a fresh one.
    Connection,
}

/// Classifies a driver error.
pub(crate) fn classify(e: &tokio_postgres::Error) -> Retry {
    if e.is_closed() {
        return Retry::Connection;
    }
    match e.code() {
        Some(c)
            if *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED =>
        {
            Retry::Conflict
        }
        Some(c)
            if *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
                || c.code().starts_with("08") =>
        {
            Retry::Connection
        }
        Some(_) => Retry::No,
        // No SQLSTATE: a broken socket is retryable, a client-side error (conversion) is not.
        None => {
            let io = std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>());
            if io { Retry::Connection } else { Retry::No }
        }
    }
}

/// Pause before attempt `attempt` (1-based retries): 5 ms doubling, at most 320 ms.
pub(crate) fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(5 << attempt.min(6))
}

/// A driver error as one line, including the server's message when there is one.
pub(crate) fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {} ({})", db.severity(), db.message(), db.code().code()),
        None => match std::error::Error::source(e) {
            Some(source) => format!("{e}: {source}"),
            None => e.to_string(),
        },
    }
}

/// Builds a pool of at most `size` connections to `url` (connections open lazily).
pub(crate) fn build(url: &str, size: usize) -> Result<Pool, StoreError> {
    let mut config: Config =
        url.parse()
            .map_err(|e: tokio_postgres::Error| StoreError::Unavailable {
                backend: "postgres",
                message: format!("invalid database URL: {}", describe(&e)),
            })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    if config.get_application_name().is_none() {
        config.application_name("mdnode");
    }
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size.max(1))
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(30)))
        .create_timeout(Some(Duration::from_secs(10)))
        .build()
        .map_err(|e| StoreError::Unavailable {
            backend: "postgres",
            message: format!("cannot build the connection pool: {e}"),
        })
}

/// Takes a connection from the pool; `Err` carries the reason, for retrying or reporting.
pub(crate) async fn get(pool: &Pool) -> Result<Object, String> {
    pool.get().await.map_err(|e| match e {
        deadpool_postgres::PoolError::Backend(pg) => describe(&pg),
        other => other.to_string(),
    })
}

/// Runs `$body` (an expression using `$client: &mut Object` and returning `Result<T, Fail>`) with
/// retries; evaluates to `Result<T, StoreError>`.
macro_rules! with_client {
    ($pool:expr, $op:literal, |$client:ident| $body:expr) => {{
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let mut object = match $crate::pool::get($pool).await {
                Ok(object) => object,
                Err(message) if attempt >= $crate::pool::MAX_ATTEMPTS => {
                    break Err(mdn_store::StoreError::Unavailable {
                        backend: "postgres",
                        message,
                    });
                }
                Err(message) => {
                    tracing::debug!(op = $op, attempt, %message, "no connection, retrying");
                    tokio::time::sleep($crate::pool::backoff(attempt)).await;
                    continue;
                }
            };
            let result: Result<_, $crate::pool::Fail> = {
                let $client: &mut deadpool_postgres::Object = &mut object;
                $body
            };
            match result {
                Ok(value) => break Ok(value),
                Err($crate::pool::Fail::Store(e)) => break Err(e),
                Err($crate::pool::Fail::Pg(e)) => {
                    let retry = $crate::pool::classify(&e);
                    if retry == $crate::pool::Retry::Connection {
                        drop(deadpool_postgres::Object::take(object));
                    }
                    if retry == $crate::pool::Retry::No || attempt >= $crate::pool::MAX_ATTEMPTS {
                        break Err(mdn_store::StoreError::backend($op, e));
                    }
                    tracing::debug!(op = $op, attempt, error = %$crate::pool::describe(&e), "retrying");
                    tokio::time::sleep($crate::pool::backoff(attempt)).await;
                }
            }
        }
    }};
}

pub(crate) use with_client;
