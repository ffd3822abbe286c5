//! One run of a script on the calling (blocking) thread: takes the thread's sandbox engine, runs
//! the AST with this run's host context, maps the result to a [`RunOutcome`] and validates the
//! output.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use mdn_protocol::Symbol;
use reqwest::Url;
use rhai::{Array, Dynamic, EvalAltResult, Map, Position, Scope};

use crate::fetch::Fetcher;
use crate::host::{self, HostContext, RunState};
use crate::limits::Limits;
use crate::manifest::SymbolSet;
use crate::report::{RunOutcome, RunReport, RunRequest};
use crate::sandbox;
use crate::script::Script;
use crate::validate::{OutputPolicy, validate_output};

/// Runs `script` once, blocking the calling thread. HTTP goes through `fetcher` ([`crate::HttpFetcher`]
/// needs a tokio runtime context, as inside `spawn_blocking`). Never panics on script input.
pub fn run_blocking(
    script: &Script,
    request: &RunRequest,
    limits: &Limits,
    fetcher: Arc<dyn Fetcher>,
) -> RunReport {
    let started = Instant::now();
    let deadline = started + limits.timeout;
    let symbols = effective_symbols(script, request);
    let ctx = Arc::new(HostContext {
        state: Mutex::new(RunState::default()),
        allowlist: allowlist(script, request),
        fetcher,
        limits: limits.clone(),
        deadline,
    });
    let engine = sandbox::run_engine(limits);

    let mut params = Map::new();
    for (k, v) in script.manifest.params.iter().chain(&request.params) {
        params.insert(k.as_str().into(), Dynamic::from(v.clone()));
    }
    let symbol_values: Array = symbols
        .iter()
        .map(|s| Dynamic::from(s.to_string()))
        .collect();
    let mut scope = Scope::new();
    scope.push_constant("params", params);
    scope.push_constant("symbols", symbol_values);

    let guard = host::enter(Arc::clone(&ctx));
    let result = engine.run_ast_with_scope(&mut scope, &script.ast);
    drop(guard);
    drop(engine);
    let state = std::mem::take(&mut *ctx.state());
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);

    if let Err(err) = result {
        return RunReport {
            quotes: Vec::new(),
            rejected: Vec::new(),
            outcome: error_outcome(&err, &state),
            duration_ms,
        };
    }
    let policy = OutputPolicy {
        allowed: (!symbols.is_empty()).then(|| symbols.iter().cloned().collect::<BTreeSet<_>>()),
        now_ms: host::now_ms(),
        max_future_skew_ms: limits.max_future_skew_ms,
        max_age_ms: limits.max_age_ms,
    };
    let (quotes, rejected) = validate_output(&state.emitted, &policy, script.script_hash);
    let outcome = if quotes.is_empty() && !rejected.is_empty() {
        RunOutcome::RejectedOutput {
            message: format!(
                "all {} emitted items were invalid; first: {}",
                rejected.len(),
                rejected[0]
            ),
        }
    } else {
        RunOutcome::Ok {
            quotes: quotes.len(),
        }
    };
    RunReport {
        quotes,
        rejected,
        outcome,
        duration_ms,
    }
}

/// The symbols the script is asked for: the request's, else the manifest's list, else none (any).
fn effective_symbols(script: &Script, request: &RunRequest) -> Vec<Symbol> {
    if !request.symbols.is_empty() {
        return request.symbols.clone();
    }
    match &script.manifest.symbols {
        SymbolSet::Listed(list) => list.clone(),
        SymbolSet::Any => Vec::new(),
    }
}

/// Manifest hosts plus the host of a caller-supplied `base_url` parameter.
pub(crate) fn allowlist(script: &Script, request: &RunRequest) -> Vec<String> {
    let mut hosts = script.manifest.hosts.clone();
    let extra = request
        .params
        .get("base_url")
        .and_then(|u| Url::parse(u).ok())
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
    if let Some(h) = extra
        && !hosts.contains(&h)
    {
        hosts.push(h);
    }
    hosts
}

/// Maps a failed run to its outcome.
fn error_outcome(err: &EvalAltResult, state: &RunState) -> RunOutcome {
    let (inner, position) = innermost(err);
    if state.timed_out || matches!(inner, EvalAltResult::ErrorTerminated(..)) {
        return RunOutcome::Timeout;
    }
    let message = message_of(inner);
    if let Some((status, http_message)) = &state.http_failure
        && message.contains(http_message.as_str())
    {
        return RunOutcome::HttpError {
            status: *status,
            message,
        };
    }
    RunOutcome::ScriptError {
        message,
        line: position.line().unwrap_or(0),
        column: position.position().unwrap_or(0),
    }
}

/// The innermost error of a chain of function-call errors, with the best known position.
fn innermost(err: &EvalAltResult) -> (&EvalAltResult, Position) {
    match err {
        EvalAltResult::ErrorInFunctionCall(_, _, inner, pos)
        | EvalAltResult::ErrorInModule(_, inner, pos) => {
            let (e, p) = innermost(inner);
            (e, if p.is_none() { *pos } else { p })
        }
        other => (other, other.position()),
    }
}

/// The error's text without Rhai's position suffix; a thrown value is shown as it is.
fn message_of(err: &EvalAltResult) -> String {
    match err {
        EvalAltResult::ErrorRuntime(value, _) => value.to_string(),
        EvalAltResult::ErrorTooManyOperations(_) => {
            "too many operations (the operation limit was reached)".to_owned()
        }
        other => {
            let text = other.to_string();
            let suffix = format!(" ({})", other.position());
            text.strip_suffix(&suffix)
                .map_or(text.clone(), str::to_owned)
        }
    }
}
