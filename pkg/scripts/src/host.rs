//! Host functions scripts may call: `http_get`, `http_get_json`, `parse_json`, `now_ms`,
//! `parse_rfc3339_ms`, `url_encode`, `split_pair`, `emit`, and the bulk path `json_get`, `json_rows`,
//! `names`, `emit_all` (in `rows`). Each run gets its own [`HostContext`]; the functions are
//! registered once per engine and find the context of the run on their thread ([`enter`]), so one
//! engine serves every run of a worker thread.

mod rows;

use std::cell::RefCell;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use mdn_protocol::Hash32;
use reqwest::Url;
use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, Map};
use sha2::{Digest, Sha256};

use crate::fetch::{FetchError, Fetcher};
use crate::limits::Limits;
use crate::validate::EmittedQuote;
use rows::{Rows, SymbolOf};

type HostResult<T> = Result<T, Box<EvalAltResult>>;

/// How much of an error body goes into the error message.
const BODY_EXCERPT_CHARS: usize = 200;

/// What host calls of one run recorded.
#[derive(Debug, Default)]
pub(crate) struct RunState {
    /// SHA-256 of the last body fetched.
    pub(crate) evidence: Option<Hash32>,
    /// Items emitted so far.
    pub(crate) emitted: Vec<EmittedQuote>,
    /// The last HTTP failure: status (if a response came) and the thrown message.
    pub(crate) http_failure: Option<(Option<u16>, String)>,
    /// The run deadline passed inside a host call.
    pub(crate) timed_out: bool,
    /// HTTP requests made.
    pub(crate) requests: u32,
}

/// Everything host functions of one run need.
#[derive(Debug)]
pub(crate) struct HostContext {
    pub(crate) state: Mutex<RunState>,
    /// Allowed host names, lower case.
    pub(crate) allowlist: Vec<String>,
    pub(crate) fetcher: Arc<dyn Fetcher>,
    pub(crate) limits: Limits,
    pub(crate) deadline: Instant,
}

impl HostContext {
    pub(crate) fn state(&self) -> MutexGuard<'_, RunState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn http_get(&self, url: &str) -> HostResult<String> {
        let parsed = Url::parse(url).map_err(|e| format!("http_get: {url:?} is not a URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!(
                "http_get: scheme {:?} is not allowed, use http or https",
                parsed.scheme()
            )
            .into());
        }
        let host = parsed.host_str().unwrap_or("").to_ascii_lowercase();
        if !self.allowlist.contains(&host) {
            return Err(format!(
                "http_get: host {host:?} is not in the allowlist {:?} (manifest hosts + host of the base_url parameter)",
                self.allowlist
            )
            .into());
        }
        {
            let mut state = self.state();
            if state.requests >= self.limits.max_requests {
                return Err(format!(
                    "http_get: more than {} requests in one run",
                    self.limits.max_requests
                )
                .into());
            }
            state.requests += 1;
        }
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            self.state().timed_out = true;
            return Err("http_get: the run's wall-clock budget is spent".into());
        }
        let timeout = remaining.min(self.limits.http_timeout);
        match self
            .fetcher
            .fetch(&parsed, timeout, self.limits.max_response_bytes)
        {
            Ok(fetched) => {
                let mut state = self.state();
                state.evidence = Some(Hash32(Sha256::digest(fetched.body.as_bytes()).into()));
                if (200..300).contains(&fetched.status) {
                    return Ok(fetched.body);
                }
                let excerpt: String = fetched.body.chars().take(BODY_EXCERPT_CHARS).collect();
                let message = format!("HTTP {}: {excerpt}", fetched.status);
                state.http_failure = Some((Some(fetched.status), message.clone()));
                Err(message.into())
            }
            Err(err) => {
                let mut state = self.state();
                if matches!(err, FetchError::Timeout(_)) && Instant::now() >= self.deadline {
                    state.timed_out = true;
                }
                let status = match err {
                    FetchError::TooLarge { status, .. } | FetchError::NotText(status) => {
                        Some(status)
                    }
                    FetchError::Timeout(_) | FetchError::Transport(_) => None,
                };
                let message = format!("http_get {url}: {err}");
                state.http_failure = Some((status, message.clone()));
                Err(message.into())
            }
        }
    }

    fn emit(&self, map: Map) -> HostResult<()> {
        let mut fields = EmitFields::default();
        for (key, value) in map {
            match key.as_str() {
                "symbol" => fields.symbol = Some(value),
                "price" => fields.price = Some(value),
                "bid" => fields.bid = Some(value),
                "ask" => fields.ask = Some(value),
                "volume" => fields.volume = Some(value),
                "observed_at" => fields.observed_at = Some(value),
                other => {
                    return Err(format!(
                        "emit: unknown field `{other}` (expected symbol, price, bid, ask, volume, observed_at)"
                    )
                    .into());
                }
            }
        }
        let symbol = match fields.symbol.map(Dynamic::into_immutable_string) {
            Some(Ok(s)) => s.to_string(),
            Some(Err(t)) => {
                return Err(
                    format!("emit: symbol must be a string \"BASE/QUOTE\", got {t}").into(),
                );
            }
            None => return Err("emit: the map has no `symbol`".into()),
        };
        let price = decimal_text("price", fields.price)?
            .ok_or_else(|| format!("emit: {symbol}: the map has no `price`"))?;
        let observed_at_ms = match fields.observed_at {
            None => now_ms(),
            Some(v) if v.is_unit() => now_ms(),
            Some(v) => v.as_int().map_err(|t| {
                format!("emit: observed_at must be an integer of ms since the epoch, got {t}")
            })?,
        };
        let item = EmittedQuote {
            symbol,
            price,
            bid: decimal_text("bid", fields.bid)?,
            ask: decimal_text("ask", fields.ask)?,
            volume: decimal_text("volume", fields.volume)?,
            observed_at_ms,
            evidence_hash: None,
        };
        let mut state = self.state();
        if state.emitted.len() >= self.limits.max_quotes {
            return Err(format!(
                "emit: more than {} quotes in one run",
                self.limits.max_quotes
            )
            .into());
        }
        let evidence_hash = state.evidence;
        state.emitted.push(EmittedQuote {
            evidence_hash,
            ..item
        });
        Ok(())
    }
}

#[derive(Default)]
struct EmitFields {
    symbol: Option<Dynamic>,
    price: Option<Dynamic>,
    bid: Option<Dynamic>,
    ask: Option<Dynamic>,
    volume: Option<Dynamic>,
    observed_at: Option<Dynamic>,
}

/// A numeric field as exact text: strings as they are, integers printed; floats refused; `()` absent.
fn decimal_text(field: &str, value: Option<Dynamic>) -> HostResult<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    if value.is_unit() {
        return Ok(None);
    }
    if let Ok(i) = value.as_int() {
        return Ok(Some(i.to_string()));
    }
    if value.is_float() {
        return Err(format!(
            "emit: {field} is a float ({value}); floats are refused because they are not exact: pass the venue's decimal string or an integer"
        )
        .into());
    }
    match value.into_immutable_string() {
        Ok(s) => Ok(Some(s.to_string())),
        Err(t) => {
            Err(format!("emit: {field} must be a decimal string or an integer, got {t}").into())
        }
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub(crate) fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

thread_local! {
    /// The context of the run in progress on this thread.
    static CURRENT: RefCell<Option<Arc<HostContext>>> = const { RefCell::new(None) };
}

/// Makes `ctx` the context of host calls on this thread until the guard is dropped.
pub(crate) fn enter(ctx: Arc<HostContext>) -> RunGuard {
    CURRENT.with_borrow_mut(|c| *c = Some(ctx));
    RunGuard(())
}

/// Clears the thread's run context when dropped (also on unwinding).
pub(crate) struct RunGuard(());

impl Drop for RunGuard {
    fn drop(&mut self) {
        CURRENT.with_borrow_mut(|c| *c = None);
    }
}

/// The context of the run on this thread.
fn current() -> HostResult<Arc<HostContext>> {
    CURRENT
        .with_borrow(Clone::clone)
        .ok_or_else(|| "host function called outside a script run".into())
}

/// The deadline of the run on this thread, if one is in progress.
pub(crate) fn current_deadline() -> Option<Instant> {
    CURRENT.with_borrow(|c| c.as_ref().map(|c| c.deadline))
}

/// Registers the host functions; they act on the context set with [`enter`].
pub(crate) fn register(engine: &mut Engine, limits: &Limits) {
    engine.register_fn("http_get", |url: &str| current()?.http_get(url));
    engine.register_fn("http_get_json", |url: &str| -> HostResult<Dynamic> {
        let body = current()?.http_get(url)?;
        crate::json::parse_json(&body).map_err(|e| format!("http_get_json {url}: {e}").into())
    });
    engine.register_fn("parse_json", |text: &str| -> HostResult<Dynamic> {
        crate::json::parse_json(text).map_err(|e| format!("parse_json: {e}").into())
    });
    engine.register_fn(
        "json_get",
        |text: &str, path: &str| -> HostResult<Dynamic> {
            match crate::json::table::find_value(text, path) {
                Ok(Some(range)) => crate::json::parse_json(&text[range]),
                Ok(None) => Ok(Dynamic::UNIT),
                Err(e) => Err(e),
            }
            .map_err(|e| format!("json_get: {e}").into())
        },
    );
    engine.register_fn("now_ms", now_ms);
    engine.register_fn("parse_rfc3339_ms", |text: &str| -> HostResult<i64> {
        chrono::DateTime::parse_from_rfc3339(text)
            .map(|t| t.timestamp_millis())
            .map_err(|e| format!("parse_rfc3339_ms: {text:?} is not an RFC 3339 time: {e}").into())
    });
    engine.register_fn("url_encode", |text: &str| url_encode(text));
    engine.register_fn("split_pair", |name: &str, quotes: Array| {
        split_pair(name, &quotes)
    });
    engine.register_fn("emit", |map: Map| current()?.emit(map));

    let max_rows = limits.max_array_size;
    engine.register_type_with_name::<Rows>("Rows");
    engine.register_fn(
        "json_rows",
        move |text: ImmutableString, rows_path: &str, columns: Map| {
            Rows::extract(text, rows_path, &columns, max_rows)
        },
    );
    engine.register_fn("len", |rows: &mut Rows| {
        i64::try_from(rows.len()).unwrap_or(i64::MAX)
    });
    engine.register_fn("names", |rows: &mut Rows| rows.names());
    engine.register_fn("emit_all", |rows: &mut Rows, symbols: Map| {
        current()?.emit_all(rows, &SymbolOf::Map(&symbols))
    });
    engine.register_fn("emit_all", |rows: &mut Rows, quotes: Array| {
        current()?.emit_all(rows, &SymbolOf::suffixes(&quotes)?)
    });
    engine.register_fn("emit_all", |rows: &mut Rows| {
        current()?.emit_all(rows, &SymbolOf::Name)
    });
}

/// `"BASE/QUOTE"` of a venue name written `BASEQUOTE`, trying `quotes` as suffixes in order; `()`
/// when none matches with a non-empty base.
fn split_pair(name: &str, quotes: &[Dynamic]) -> HostResult<Dynamic> {
    for q in quotes {
        let Some(q) = q.read_lock::<ImmutableString>() else {
            return Err(format!(
                "split_pair: quote currencies must be strings, got {}",
                q.type_name()
            )
            .into());
        };
        if let Some(symbol) = pair_with_quote(name, q.as_str()) {
            return Ok(Dynamic::from(symbol));
        }
    }
    Ok(Dynamic::UNIT)
}

/// `"BASE/QUOTE"` when venue name `name` is `BASE` followed by `quote`, with a non-empty base.
/// Shared by `split_pair` and `emit_all(rows, quotes)`.
pub(crate) fn pair_with_quote(name: &str, quote: &str) -> Option<String> {
    let base = name.strip_suffix(quote).filter(|base| !base.is_empty())?;
    let mut symbol = String::with_capacity(name.len() + 1);
    symbol.push_str(base);
    symbol.push('/');
    symbol.push_str(quote);
    Some(symbol)
}
