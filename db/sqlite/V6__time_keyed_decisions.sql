-- Commits stop maintaining a B-tree over random 32-byte quote ids (each commit rewrote pages all
-- over it: 3-6 KB of WAL per row). A quote id is the SHA-256 of a quote that includes its
-- observed_at_ms, so (observed_at_ms, quote_id) is unique exactly when quote_id is, and that
-- index grows at its end like the time itself. Lookups by bare id go through a log-structured
-- merge tree of (8-byte id prefix, observed_at_ms) runs, maintained after commits in bulk
-- (mdn-store-sqlite's id_index and id_runs). SQLite cannot drop a column's UNIQUE constraint,
-- so the decisions table is rebuilt (seq values kept).
CREATE TABLE decisions_v6 (
    seq            INTEGER PRIMARY KEY,
    quote_id       BLOB    NOT NULL CHECK (length(quote_id) = 32),
    symbol         TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    price          TEXT    NOT NULL,
    bid            TEXT,
    ask            TEXT,
    volume         TEXT,
    observed_at_ms INTEGER NOT NULL,
    script_hash    BLOB    NOT NULL,
    evidence_hash  BLOB    NOT NULL,
    proposer       BLOB    NOT NULL,
    outcome        INTEGER NOT NULL CHECK (outcome IN (1, 2, 3)),
    decided_at_ms  INTEGER NOT NULL,
    certificate    BLOB,
    CHECK ((outcome = 1) = (certificate IS NOT NULL))
);
INSERT INTO decisions_v6 SELECT seq, quote_id, symbol, source, price, bid, ask, volume,
    observed_at_ms, script_hash, evidence_hash, proposer, outcome, decided_at_ms, certificate
    FROM decisions ORDER BY seq;
DROP TABLE decisions;
ALTER TABLE decisions_v6 RENAME TO decisions;
CREATE UNIQUE INDEX decisions_time_id ON decisions (observed_at_ms, quote_id);
CREATE INDEX decisions_time ON decisions (observed_at_ms DESC, seq DESC);
CREATE INDEX decisions_symbol_time ON decisions (symbol, observed_at_ms DESC, seq DESC);

-- Runs of the id index: run number, (8-byte quote id prefix, observed_at_ms) entries in id order.
CREATE TABLE decision_ids (
    run            INTEGER NOT NULL,
    id_prefix      BLOB    NOT NULL,
    observed_at_ms INTEGER NOT NULL,
    PRIMARY KEY (run, id_prefix, observed_at_ms)
) WITHOUT ROWID;
-- Each run's entry count (an upper bound while a compaction fills it); into_run is set on runs
-- being compacted into that run, next_slice on the run being filled: the first two-byte id prefix
-- (as a number) not yet moved into it.
CREATE TABLE decision_id_runs (
    run       INTEGER PRIMARY KEY,
    entries   INTEGER NOT NULL,
    into_run  INTEGER,
    next_slice INTEGER
);
-- Decisions with seq above indexed_seq are in no run yet (the tail, which lookups scan).
CREATE TABLE decision_id_tail (indexed_seq INTEGER NOT NULL);

-- The decisions already stored become the first run.
INSERT INTO decision_ids (run, id_prefix, observed_at_ms)
    SELECT 1, substr(quote_id, 1, 8), observed_at_ms FROM decisions WHERE true ORDER BY 2, 3
    ON CONFLICT DO NOTHING;
INSERT INTO decision_id_runs (run, entries) SELECT 1, count(*) FROM decision_ids HAVING count(*) > 0;
INSERT INTO decision_id_tail (indexed_seq) SELECT COALESCE(MAX(seq), 0) FROM decisions;
