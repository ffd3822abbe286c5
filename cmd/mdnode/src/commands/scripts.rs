//! `mdnode scripts`: check, run once and list scraper scripts here; publish, install, trust and
//! list the network's catalogue through a node (see `scripts_remote`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use mdn_protocol::Symbol;
use mdn_scripts::{Limits, RunOutcome, RunReport, RunRequest, Script, ScriptPool};

use super::scripts_remote::{self, Remote};

/// Subcommands of `mdnode scripts`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// List the scripts in a directory: name, version, hash prefix, symbols, schedule; with
    /// `--available`, the scripts announced on the network (from the node's catalogue).
    List {
        /// Directory holding `*.rhai` scripts.
        #[arg(long, default_value = "scripts")]
        dir: PathBuf,
        /// List the node's catalogue of announced scripts instead.
        #[arg(long)]
        available: bool,
        /// With `--available`: print the API's JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        remote: Remote,
    },
    /// Sign a script with the author's key and announce it through the node.
    Publish {
        /// The script file.
        file: PathBuf,
        /// The author's key file (PKCS#8 PEM); default: the node's key (`node.key_file`).
        #[arg(long)]
        key: Option<PathBuf>,
        #[command(flatten)]
        remote: Remote,
    },
    /// Install an announced script by hash: the node fetches and checks it; it does not run yet.
    Install {
        /// The script's SHA-256 (64 hex).
        hash: String,
        #[command(flatten)]
        remote: Remote,
    },
    /// Trust an installed script: the node starts running it (in shadow mode unless configured).
    Trust {
        /// The script's SHA-256 (64 hex).
        hash: String,
        #[command(flatten)]
        remote: Remote,
    },
    /// Check a script's manifest and code; errors are printed as FILE:LINE:COLUMN (exit 1).
    Check {
        /// The script file.
        file: PathBuf,
    },
    /// Run a script once and print its quotes, rejected items and outcome.
    Run {
        /// The script file.
        file: PathBuf,
        /// Parameter override `KEY=VALUE` (repeatable), e.g. `base_url=http://127.0.0.1:9100`.
        #[arg(long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// Symbols to ask for, comma separated (`BTC/USD,ETH/USD`); default: the manifest's.
        #[arg(long, value_delimiter = ',')]
        symbols: Vec<String>,
        /// Print the report as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Wall-clock budget of the run, in milliseconds.
        #[arg(long, default_value_t = 10_000)]
        timeout_ms: u64,
    },
}

/// Runs `mdnode scripts`.
pub(crate) fn run(cmd: Command) -> anyhow::Result<()> {
    match cmd {
        Command::List {
            available: true,
            json,
            remote,
            ..
        } => scripts_remote::list_available(&remote, json),
        Command::List { dir, .. } => list(&dir),
        Command::Publish { file, key, remote } => {
            scripts_remote::publish(&file, key.as_deref(), &remote)
        }
        Command::Install { hash, remote } => scripts_remote::install(&hash, &remote),
        Command::Trust { hash, remote } => scripts_remote::trust(&hash, &remote),
        Command::Check { file } => check(&file),
        Command::Run {
            file,
            params,
            symbols,
            json,
            timeout_ms,
        } => run_once(&file, &params, &symbols, json, timeout_ms),
    }
}

fn check(file: &Path) -> anyhow::Result<()> {
    let script = Script::load(file)?;
    let m = &script.manifest;
    writeln!(
        std::io::stdout().lock(),
        "{}: ok ({} {}, hash {}, symbols {}, schedule \"{}\")",
        file.display(),
        m.name,
        m.version,
        script.script_hash,
        m.symbols,
        m.schedule
    )?;
    Ok(())
}

fn list(dir: &Path) -> anyhow::Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the script directory {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rhai"))
        .collect();
    files.sort();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<16} {:<10} {:<14} {:<24} SCHEDULE",
        "NAME", "VERSION", "HASH", "SYMBOLS"
    )?;
    let mut broken = 0;
    for file in &files {
        match Script::load(file) {
            Ok(s) => {
                let m = &s.manifest;
                let hash = s.script_hash.to_hex();
                let symbols = m.symbols.to_string();
                let short = hash.get(..12).unwrap_or(&hash);
                writeln!(
                    out,
                    "{:<16} {:<10} {:<14} {:<24} {}",
                    m.name, m.version, short, symbols, m.schedule
                )?;
            }
            Err(e) => {
                broken += 1;
                eprintln!("{e}");
            }
        }
    }
    if broken > 0 {
        bail!(
            "{broken} of {} scripts in {} do not load",
            files.len(),
            dir.display()
        );
    }
    Ok(())
}

fn parse_params(pairs: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    pairs
        .iter()
        .map(|p| match p.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
            _ => bail!("--param {p:?}: expected KEY=VALUE"),
        })
        .collect()
}

fn run_once(
    file: &Path,
    params: &[String],
    symbols: &[String],
    json: bool,
    timeout_ms: u64,
) -> anyhow::Result<()> {
    let script = Arc::new(Script::load(file)?);
    let request = RunRequest {
        params: parse_params(params)?,
        symbols: symbols
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| Symbol::parse(s.trim()))
            .collect::<Result<_, _>>()?,
    };
    let timeout = std::time::Duration::from_millis(timeout_ms);
    let limits = Limits {
        timeout,
        ..Limits::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("cannot start the tokio runtime")?;
    let report = runtime.block_on(async move {
        let pool = ScriptPool::new(1, limits)?;
        anyhow::Ok(pool.run(script, request).await)
    })?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", report.to_json_pretty())?;
    } else {
        print_table(&mut out, &report)?;
    }
    match report.outcome {
        RunOutcome::Ok { .. } => Ok(()),
        _ => bail!("the run did not succeed: {}", describe(&report.outcome)),
    }
}

fn print_table(out: &mut impl Write, report: &RunReport) -> std::io::Result<()> {
    let text = |d: Option<_>| {
        d.map_or_else(
            || "-".to_owned(),
            |d: mdn_scripts::report::Decimal| d.to_string(),
        )
    };
    writeln!(
        out,
        "{:<14} {:>18} {:>18} {:>18} {:>22}  OBSERVED_AT",
        "SYMBOL", "PRICE", "BID", "ASK", "VOLUME"
    )?;
    for q in &report.quotes {
        writeln!(
            out,
            "{:<14} {:>18} {:>18} {:>18} {:>22}  {}",
            q.symbol.as_str(),
            q.price.to_string(),
            text(q.bid),
            text(q.ask),
            text(q.volume),
            q.observed_at_rfc3339()
        )?;
    }
    for r in &report.rejected {
        writeln!(out, "rejected: {r}")?;
    }
    writeln!(
        out,
        "outcome: {} ({} ms)",
        describe(&report.outcome),
        report.duration_ms
    )
}

fn describe(outcome: &RunOutcome) -> String {
    match outcome {
        RunOutcome::Ok { quotes } => format!("ok, {quotes} quotes"),
        RunOutcome::ScriptError {
            message,
            line,
            column,
        } => format!("script error at {line}:{column}: {message}"),
        RunOutcome::Timeout => "timeout".to_owned(),
        RunOutcome::HttpError {
            status: Some(s),
            message,
        } => format!("HTTP error (status {s}): {message}"),
        RunOutcome::HttpError {
            status: None,
            message,
        } => format!("HTTP error: {message}"),
        RunOutcome::RejectedOutput { message } => format!("all output rejected: {message}"),
    }
}
