//! `mdnode keys`.

/// Subcommands of `mdnode keys`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Placeholder until implemented.
    List,
}

/// Runs `mdnode keys`.
pub(crate) fn run(_cmd: Command) -> anyhow::Result<()> {
    anyhow::bail!("`mdnode keys` is not available in this build yet")
}
