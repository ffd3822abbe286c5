//! The HTTP client behind `http_get`: a trait so that benchmarks can feed a pre-fetched body while
//! production uses [`HttpFetcher`] (reqwest, driven from the script's blocking thread).
//!
//! The allowlist, request count and deadline checks happen before a fetcher is called (in `host`),
//! so they apply to every fetcher.

use std::time::Duration;

use reqwest::Url;

/// A response: status and the whole body as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// HTTP status code.
    pub status: u16,
    /// The body (UTF-8).
    pub body: String,
}

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// No complete response within the allowed time.
    #[error("no response within {0} ms")]
    Timeout(u64),
    /// The body is longer than allowed.
    #[error("response body larger than the {max} byte limit (HTTP {status})")]
    TooLarge {
        /// HTTP status.
        status: u16,
        /// The limit.
        max: usize,
    },
    /// The body is not UTF-8 text.
    #[error("response body is not UTF-8 text (HTTP {0})")]
    NotText(u16),
    /// Connection, protocol or setup failure.
    #[error("request failed: {0}")]
    Transport(String),
}

/// Performs one GET. Implementations block the calling (blocking) thread and must honour `timeout`.
pub trait Fetcher: Send + Sync + std::fmt::Debug {
    /// GETs `url`, reading at most `max_bytes` of body within `timeout`.
    fn fetch(&self, url: &Url, timeout: Duration, max_bytes: usize) -> Result<Fetched, FetchError>;
}

/// The production fetcher: an async reqwest client driven with the current tokio runtime's
/// `Handle::block_on` (call it from a blocking thread, e.g. inside `spawn_blocking`). Redirects are
/// not followed (a redirect could leave the allowlist): a 3xx is an HTTP error.
#[derive(Debug, Clone)]
pub struct HttpFetcher {
    client: reqwest::Client,
}

impl HttpFetcher {
    /// Builds the client.
    pub fn new() -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("mdnode-scripts/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FetchError::Transport(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { client })
    }
}

impl Fetcher for HttpFetcher {
    fn fetch(&self, url: &Url, timeout: Duration, max_bytes: usize) -> Result<Fetched, FetchError> {
        let handle = tokio::runtime::Handle::try_current().map_err(|_| {
            FetchError::Transport(
                "http_get needs a tokio runtime (run scripts through ScriptPool)".to_owned(),
            )
        })?;
        let ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        let request = self.client.get(url.clone()).send();
        handle.block_on(async move {
            let work = async move {
                let mut response = request
                    .await
                    .map_err(|e| FetchError::Transport(e.to_string()))?;
                let status = response.status().as_u16();
                let too_large = FetchError::TooLarge {
                    status,
                    max: max_bytes,
                };
                let declared = response.content_length().unwrap_or(0);
                if usize::try_from(declared).map_or(true, |n| n > max_bytes) {
                    return Err(too_large);
                }
                let mut body = Vec::new();
                while let Some(chunk) = response
                    .chunk()
                    .await
                    .map_err(|e| FetchError::Transport(e.to_string()))?
                {
                    if body.len() + chunk.len() > max_bytes {
                        return Err(too_large);
                    }
                    body.extend_from_slice(&chunk);
                }
                let body = String::from_utf8(body).map_err(|_| FetchError::NotText(status))?;
                Ok(Fetched { status, body })
            };
            tokio::time::timeout(timeout, work)
                .await
                .unwrap_or(Err(FetchError::Timeout(ms)))
        })
    }
}

/// A fetcher that answers every URL with the same response, for benchmarks and tests that must
/// exclude network time. Not for production: nothing is fetched.
#[derive(Debug, Clone)]
pub struct StaticFetcher {
    /// The response given for every request.
    pub response: Fetched,
}

impl Fetcher for StaticFetcher {
    fn fetch(
        &self,
        _url: &Url,
        _timeout: Duration,
        max_bytes: usize,
    ) -> Result<Fetched, FetchError> {
        if self.response.body.len() > max_bytes {
            return Err(FetchError::TooLarge {
                status: self.response.status,
                max: max_bytes,
            });
        }
        Ok(self.response.clone())
    }
}
