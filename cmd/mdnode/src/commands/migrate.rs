//! `mdnode migrate`.

/// Arguments of `mdnode migrate`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `mdnode migrate`.
pub(crate) fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`mdnode migrate` is not available in this build yet")
}
