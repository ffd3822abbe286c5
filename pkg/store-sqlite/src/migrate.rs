//! Schema migrations for SQLite: the `db/sqlite/V{n}__{name}.sql` files (embedded by `build.rs`)
//! applied in order, each in its own transaction, and recorded in `schema_migrations` with a
//! checksum. A database with migrations this binary does not have, or with different ones, is
//! refused.

use mdn_store::StoreError;
use rusqlite::Connection;

/// One embedded migration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// The `n` of `V{n}__name.sql`.
    pub version: i64,
    /// The `name` of `V{n}__name.sql`.
    pub name: &'static str,
    /// The SQL text.
    pub sql: &'static str,
}

impl Migration {
    /// The checksum recorded in `schema_migrations` for this file.
    pub fn checksum(&self) -> String {
        checksum(self.sql)
    }
}

/// The migrations built into this binary, in version order.
pub const MIGRATIONS: &[Migration] = &include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// A migration recorded in a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Applied {
    pub(crate) version: i64,
    pub(crate) name: String,
    pub(crate) checksum: String,
}

/// FNV-1a 64 of the SQL text, as 16 hex digits.
pub(crate) fn checksum(sql: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in sql.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Which of `known` still have to be applied, or why the database cannot be used.
pub(crate) fn pending<'a>(
    applied: &[Applied],
    known: &'a [Migration],
) -> Result<Vec<&'a Migration>, String> {
    for a in applied {
        match known.iter().find(|m| m.version == a.version) {
            None => {
                let newest = known.last().map_or(0, |m| m.version);
                return Err(format!(
                    "the database has migration V{}__{}, which this binary does not know (its \
                     newest is V{newest}); the database was migrated by a newer mdnode",
                    a.version, a.name
                ));
            }
            Some(m) if m.name != a.name || checksum(m.sql) != a.checksum => {
                return Err(format!(
                    "migration V{}__{} in the database (checksum {}) differs from this binary's \
                     V{}__{} (checksum {})",
                    a.version,
                    a.name,
                    a.checksum,
                    m.version,
                    m.name,
                    checksum(m.sql)
                ));
            }
            Some(_) => {}
        }
    }
    Ok(known
        .iter()
        .filter(|m| !applied.iter().any(|a| a.version == m.version))
        .collect())
}

/// Applies pending migrations; returns the ones applied now.
pub(crate) fn run(conn: &mut Connection, now_ms: i64) -> Result<Vec<Migration>, StoreError> {
    let db = |e: rusqlite::Error| StoreError::backend("migrating", e);
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, \
         name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)",
    )
    .map_err(db)?;
    let applied: Vec<Applied> = {
        let mut stmt = conn
            .prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
            .map_err(db)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Applied {
                    version: r.get(0)?,
                    name: r.get(1)?,
                    checksum: r.get(2)?,
                })
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)?
    };
    let todo =
        pending(&applied, MIGRATIONS).map_err(|message| StoreError::Migration { message })?;
    let mut done = Vec::new();
    for m in todo {
        let tx = conn.transaction().map_err(db)?;
        tx.execute_batch(m.sql).map_err(|e| StoreError::Migration {
            message: format!("applying V{}__{} failed: {e}", m.version, m.name),
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at_ms) \
             VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![m.version, m.name, checksum(m.sql), now_ms],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        done.push(*m);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[Migration] = &[
        Migration {
            version: 1,
            name: "init",
            sql: "CREATE TABLE a (x INTEGER);",
        },
        Migration {
            version: 2,
            name: "more",
            sql: "CREATE TABLE b (x INTEGER);",
        },
    ];

    fn applied(version: i64, name: &str, sql: &str) -> Applied {
        Applied {
            version,
            name: name.into(),
            checksum: checksum(sql),
        }
    }

    #[test]
    fn pending_lists_unapplied_in_order() {
        let got = pending(&[applied(1, "init", KNOWN[0].sql)], KNOWN).expect("ok");
        assert_eq!(got, vec![&KNOWN[1]]);
        assert_eq!(pending(&[], KNOWN).expect("ok").len(), 2);
    }

    #[test]
    fn database_ahead_is_refused() {
        let err = pending(&[applied(3, "future", "x")], KNOWN).expect_err("ahead");
        assert!(err.contains("does not know"), "{err}");
    }

    #[test]
    fn divergent_migration_is_refused() {
        let err =
            pending(&[applied(1, "init", "CREATE TABLE other;")], KNOWN).expect_err("diverges");
        assert!(err.contains("differs"), "{err}");
    }

    #[test]
    fn embedded_migrations_are_in_order() {
        assert!(!MIGRATIONS.is_empty());
        assert!(MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
    }
}
