//! `mdnode verify`: re-checks decisions' certificates offline, against a validator set.
//!
//! - `mdnode verify --config FILE --id HEX` (or `--all`): decisions in the node's own store, with the
//!   validator set and network id of its config.
//! - `mdnode verify --file QUOTE.json --network-id ID --validator KEY...`: a decision exported from
//!   `GET /api/v1/quotes/{id}` (its `quote_bytes` and `certificate`), by anyone, with no node.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use mdn_protocol::{Certificate, Decode, Hash32, Outcome, PublicKey, Quorum, Quote, ValidatorSet};

/// Arguments of `mdnode verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Node config: its store, validator set and network id.
    #[arg(long, conflicts_with = "file")]
    config: Option<PathBuf>,
    /// Quote id (hex) of the stored decision to check.
    #[arg(long, requires = "config")]
    id: Option<String>,
    /// Check every validated decision in the store.
    #[arg(long, requires = "config", conflicts_with = "id")]
    all: bool,
    /// An exported decision: the JSON of `GET /api/v1/quotes/{id}`.
    #[arg(long)]
    file: Option<PathBuf>,
    /// Network id the certificate must be for (with --file).
    #[arg(long, requires = "file")]
    network_id: Option<String>,
    /// A validator public key (hex), repeatable (with --file).
    #[arg(long = "validator", requires = "file")]
    validators: Vec<String>,
    /// Quorum fraction (with --file), e.g. 2/3.
    #[arg(long, default_value = "2/3")]
    quorum: String,
}

/// Runs `mdnode verify`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    if let Some(file) = &args.file {
        return verify_file(file, &args);
    }
    let Some(config_path) = &args.config else {
        bail!("give --config FILE with --id HEX or --all, or --file EXPORT.json");
    };
    let config = mdn_config::Config::load(config_path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (num, den) = config.quorum();
    let set = ValidatorSet::new(
        config.validator_keys(),
        Quorum {
            numerator: u32::try_from(num)?,
            denominator: u32::try_from(den)?,
        },
    )?;
    let network_id = config.node.network_id.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let store = mdn_node::app::open_store(&config).await?;
        let ids = match (&args.id, args.all) {
            (Some(id), _) => vec![Hash32::from_hex(id).context("--id: expected 64 hex digits")?],
            (None, true) => store.validated_ids().await?,
            (None, false) => bail!("give --id HEX or --all"),
        };
        let mut failed = 0;
        for id in &ids {
            let stored = store
                .decision(id)
                .await?
                .with_context(|| format!("no decision {id}"))?;
            let d = stored.decision;
            let result = match (&d.outcome, &d.certificate) {
                (Outcome::Validated, Some(cert)) => cert
                    .verify(&d.quote, &set, &network_id)
                    .map_err(|e| e.to_string()),
                (outcome, _) => Err(format!("outcome {outcome:?} has no certificate to check")),
            };
            report(id, &result);
            failed += usize::from(result.is_err());
        }
        println!(
            "{} checked, {} valid, {failed} invalid",
            ids.len(),
            ids.len() - failed
        );
        if failed > 0 {
            bail!("{failed} certificate(s) failed verification");
        }
        Ok(())
    })
}

fn verify_file(file: &PathBuf, args: &Args) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{}: not JSON", file.display()))?;
    let bytes = hex::decode(
        json["quote_bytes"]
            .as_str()
            .context("missing \"quote_bytes\"")?,
    )
    .context("\"quote_bytes\": not hex")?;
    let quote =
        Quote::decode_from_slice(&bytes).context("\"quote_bytes\": not a quote encoding")?;
    let cert: Certificate = serde_json::from_value(json["certificate"].clone())
        .context("\"certificate\": missing or malformed")?;
    let network_id = args
        .network_id
        .as_deref()
        .context("--network-id is required with --file")?;
    let keys = args
        .validators
        .iter()
        .map(|k| {
            PublicKey::from_hex(k).with_context(|| format!("--validator {k}: not 64 hex digits"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let quorum = parse_quorum(&args.quorum)?;
    let set = ValidatorSet::new(keys, quorum)?;
    let id = quote.id();
    let result = cert
        .verify(&quote, &set, network_id)
        .map_err(|e| e.to_string());
    report(&id, &result);
    result.map_err(|e| anyhow::anyhow!("certificate of {id} is invalid: {e}"))
}

fn report(id: &Hash32, result: &Result<(), String>) {
    match result {
        Ok(()) => println!("{id}  valid"),
        Err(e) => println!("{id}  INVALID: {e}"),
    }
}

fn parse_quorum(text: &str) -> anyhow::Result<Quorum> {
    let (n, d) = text
        .split_once('/')
        .context("--quorum: expected N/D, e.g. 2/3")?;
    let quorum = Quorum {
        numerator: n.trim().parse()?,
        denominator: d.trim().parse()?,
    };
    quorum.validate()?;
    Ok(quorum)
}
