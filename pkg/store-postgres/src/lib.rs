//! PostgreSQL store backend (tokio-postgres + deadpool-postgres, migrations from db/postgres)
