-- Score counter deltas of recent commits, one row per commit (a compact binary encoding), folded into source_stats,
-- peer_stats and symbol_sources every few dozen commits (pkg/store-sqlite/src/effect_journal.rs).
-- Reads add the rows not folded yet, so the counters read exactly as before.
CREATE TABLE effect_journal (
    id     INTEGER PRIMARY KEY,
    deltas BLOB    NOT NULL
);
