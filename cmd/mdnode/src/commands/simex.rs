//! `mdnode simex`.

/// Arguments of `mdnode simex`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `mdnode simex`.
pub(crate) fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`mdnode simex` is not available in this build yet")
}
