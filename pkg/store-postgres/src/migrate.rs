//! Schema migrations: the `db/postgres/V{n}__{name}.sql` files, embedded with refinery and applied
//! under an advisory lock so that concurrent starters do not race.

use mdn_store::StoreError;
use refinery::error::Kind;
use tokio_postgres::{Client, NoTls};

mod embedded {
    refinery::embed_migrations!("../../db/postgres");
}

/// Advisory lock key held while migrating ("mdnmigr" in ASCII).
const MIGRATION_LOCK: i64 = 0x006d_646e_6d69_6772;

/// One migration, by version and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    /// The `n` of `V{n}__name.sql`.
    pub version: i64,
    /// The `name` of `V{n}__name.sql`.
    pub name: String,
}

/// What a migration run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    /// Migrations applied by this run, in order (empty when the schema was current).
    pub applied: Vec<AppliedMigration>,
    /// Every migration the database now has, in order.
    pub current: Vec<AppliedMigration>,
}

/// The migrations built into this binary, in order.
pub fn embedded_migrations() -> Vec<AppliedMigration> {
    embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| AppliedMigration {
            version: i64::from(m.version()),
            name: m.name().to_owned(),
        })
        .collect()
}

/// Connects to `url` and brings its schema up to date.
pub async fn migrate(url: &str) -> Result<MigrationReport, StoreError> {
    let mut client = connect(url).await?;
    run(&mut client).await
}

/// Connects to `url` and applies the migrations up to and including `version` only: a database as
/// an older mdnode left it, for tests of the later migrations.
pub async fn migrate_to(url: &str, version: i32) -> Result<MigrationReport, StoreError> {
    let mut client = connect(url).await?;
    run_to(&mut client, Some(version)).await
}

/// Opens one plain connection (outside the pool), driving it on a tokio task.
pub(crate) async fn connect(url: &str) -> Result<Client, StoreError> {
    let (client, connection) =
        tokio_postgres::connect(url, NoTls)
            .await
            .map_err(|e| StoreError::Unavailable {
                backend: "postgres",
                message: crate::pool::describe(&e),
            })?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "migration connection ended");
        }
    });
    Ok(client)
}

/// Applies pending migrations on `client`; refuses a database whose history is ahead of or differs
/// from this binary's migrations.
pub(crate) async fn run(client: &mut Client) -> Result<MigrationReport, StoreError> {
    run_to(client, None).await
}

async fn run_to(client: &mut Client, version: Option<i32>) -> Result<MigrationReport, StoreError> {
    let lock_failed = |e| StoreError::backend("taking the migration lock", e);
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(lock_failed)?;
    let mut runner = embedded::migrations::runner();
    if let Some(version) = version {
        runner = runner.set_target(refinery::Target::Version(version));
    }
    let result = runner.run_async(client).await;
    let current = runner.get_applied_migrations_async(client).await;
    client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(|e| StoreError::backend("releasing the migration lock", e))?;
    let report = result.map_err(explain)?;
    let current = current.map_err(explain)?;
    let to_applied = |m: &refinery::Migration| AppliedMigration {
        version: i64::from(m.version()),
        name: m.name().to_owned(),
    };
    Ok(MigrationReport {
        applied: report.applied_migrations().iter().map(to_applied).collect(),
        current: current.iter().map(to_applied).collect(),
    })
}

fn explain(e: refinery::Error) -> StoreError {
    let known = embedded_migrations().last().map_or_else(
        || "none".to_owned(),
        |m| format!("V{}__{}", m.version, m.name),
    );
    let message = match e.kind() {
        Kind::MissingVersion(m) => format!(
            "the database has migration {m}, which this binary does not know (its newest is \
             {known}); the database was migrated by a newer mdnode: upgrade this binary"
        ),
        Kind::DivergentVersion(applied, ours) => format!(
            "migration {applied} in the database differs from this binary's {ours}; the database \
             was migrated by a different build"
        ),
        other => format!("migrating failed: {other}"),
    };
    StoreError::Migration { message }
}
