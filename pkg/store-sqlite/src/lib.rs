//! Embedded SQLite store backend (rusqlite, WAL, on a dedicated thread; migrations from db/sqlite)
