//! `mdnode scripts`.

/// Subcommands of `mdnode scripts`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Placeholder until implemented.
    List,
}

/// Runs `mdnode scripts`.
pub(crate) fn run(_cmd: Command) -> anyhow::Result<()> {
    anyhow::bail!("`mdnode scripts` is not available in this build yet")
}
