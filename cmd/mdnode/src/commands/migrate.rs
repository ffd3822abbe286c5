//! `mdnode migrate --database-url URL`: bring a PostgreSQL database's schema up to date with the
//! migrations built into this binary and print what was applied.

use anyhow::Context as _;
use mdn_store_postgres::{MigrationReport, migrate};

/// Arguments of `mdnode migrate`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// PostgreSQL URL, e.g. `postgres://mdnode@127.0.0.1:5432/mdnode`.
    #[arg(long, value_name = "URL", env = "MDNODE_STORE_DATABASE_URL")]
    database_url: String,
}

/// Runs `mdnode migrate`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let report = runtime
        .block_on(migrate(&args.database_url))
        .context("migrating the database")?;
    print!("{}", render(&report));
    Ok(())
}

/// The report as printed: one line per migration applied now, then the schema version.
fn render(report: &MigrationReport) -> String {
    let mut out = String::new();
    if report.applied.is_empty() {
        out.push_str("no pending migrations\n");
    }
    for m in &report.applied {
        out.push_str(&format!("applied V{}__{}\n", m.version, m.name));
    }
    match report.current.last() {
        Some(m) => out.push_str(&format!(
            "schema at V{}__{} (migrations in the database: {})\n",
            m.version,
            m.name,
            report.current.len()
        )),
        None => out.push_str("schema is empty\n"),
    }
    out
}

#[cfg(test)]
mod tests {
    use mdn_store_postgres::AppliedMigration;

    use super::*;

    #[test]
    fn report_lists_applied_and_current() {
        let init = AppliedMigration {
            version: 1,
            name: "init".into(),
        };
        let report = MigrationReport {
            applied: vec![init.clone()],
            current: vec![init],
        };
        assert_eq!(
            render(&report),
            "applied V1__init\nschema at V1__init (migrations in the database: 1)\n"
        );
        let none = MigrationReport {
            applied: vec![],
            current: vec![],
        };
        assert_eq!(render(&none), "no pending migrations\nschema is empty\n");
    }
}
