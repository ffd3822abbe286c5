//! `mdnode simex`: serves the simulated exchange until Ctrl-C or SIGTERM.
//!
//! The first stdout line is exactly `simex listening on http://HOST:PORT` (flushed), so that a test
//! harness can wait for it; the venues and their endpoints follow.

use std::io::Write;

use anyhow::Context;
use mdn_simex::{FaultSpec, Simex, SimexConfig, Venue};

use crate::commands::shutdown::Shutdown;

/// Arguments of `mdnode simex`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = mdn_simex::DEFAULT_PORT)]
    port: u16,
    /// Host or IP address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Number of market symbols: the curated real bases first, then SYN001, SYN002, ...
    #[arg(long, default_value_t = mdn_simex::assets::DEFAULT_SYMBOLS,
          value_parser = parse_symbols)]
    symbols: usize,
    /// Seed of the market (same seed, same prices at the same tick).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Length of a market tick in milliseconds.
    #[arg(long, default_value_t = mdn_simex::DEFAULT_TICK_MS)]
    tick_ms: u64,
    /// A fault, `VENUE[:SYMBOL]=KIND[:VALUE]` (repeatable), e.g. `kraken:BTC/USD=offset:5%`,
    /// `bitstamp=stale`, `coinbase=fail`, `binance=slow:2s`, `kraken=garbage`.
    #[arg(long = "fault", value_name = "SPEC")]
    faults: Vec<FaultSpec>,
}

fn parse_symbols(s: &str) -> Result<usize, String> {
    let (min, max) = (
        mdn_simex::assets::MIN_SYMBOLS,
        mdn_simex::assets::MAX_SYMBOLS,
    );
    match s.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a number of symbols from {min} to {max}, got {s:?}"
        )),
    }
}

/// Runs `mdnode simex`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot build the tokio runtime")?;
    runtime.block_on(serve(args))
}

async fn serve(args: Args) -> anyhow::Result<()> {
    let mut shutdown = Shutdown::listen()?;
    let config = SimexConfig {
        host: args.host,
        port: args.port,
        symbols: args.symbols,
        seed: args.seed,
        faults: args.faults,
        tick_ms: args.tick_ms,
        clock: None,
    };
    let handle = Simex::start(config).await.context("cannot start simex")?;
    let base = handle.base_url();
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "simex listening on {base}")?;
        let venues: Vec<&str> = Venue::ALL.iter().map(|v| v.name()).collect();
        writeln!(out, "venues: {}", venues.join(", "))?;
        writeln!(out, "  binance  {base}/api/v3/ticker/24hr?symbol=BTCUSD")?;
        writeln!(out, "  coinbase {base}/products/BTC-USD/ticker")?;
        writeln!(out, "  kraken   {base}/0/public/Ticker?pair=XBTUSD")?;
        writeln!(out, "  bitstamp {base}/api/v2/ticker/btcusd/")?;
        writeln!(out, "  okx      {base}/api/v5/market/ticker?instId=BTC-USD")?;
        writeln!(
            out,
            "symbols: {} ({base}/symbols), seed {}",
            handle.symbols().len(),
            args.seed
        )?;
        for fault in handle.faults() {
            writeln!(out, "fault: {fault}")?;
        }
        out.flush()?;
    }
    shutdown.wait().await;
    tracing::info!("simex stopping");
    handle.stop().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    #[test]
    fn parses_flags_and_faults() {
        let cli = Cli::try_parse_from([
            "simex",
            "--port",
            "0",
            "--symbols",
            "120",
            "--seed",
            "7",
            "--fault",
            "kraken:BTC/USD=offset:5%",
            "--fault",
            "binance=slow:2s",
        ])
        .unwrap();
        assert_eq!(
            (cli.args.port, cli.args.symbols, cli.args.seed),
            (0, 120, 7)
        );
        assert_eq!(cli.args.faults.len(), 2);
        assert_eq!(cli.args.faults[0].to_string(), "kraken:BTC/USD=offset:5%");
        let defaults = Cli::try_parse_from(["simex"]).unwrap();
        assert_eq!((defaults.args.port, defaults.args.symbols), (9100, 50));
    }

    #[test]
    fn bad_flags_name_the_bad_part() {
        let err = Cli::try_parse_from(["simex", "--fault", "kraken=explode"]).unwrap_err();
        assert!(err.to_string().contains("kind \"explode\""), "{err}");
        let err = Cli::try_parse_from(["simex", "--symbols", "1001"]).unwrap_err();
        assert!(err.to_string().contains("from 1 to 1000"), "{err}");
    }
}
