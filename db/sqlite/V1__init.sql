-- mdnode SQLite schema, version 1. Applied in order by mdn-store-sqlite's own runner, which records
-- each file in schema_migrations. Migrations are additive: never edit an applied file, add V2__...
-- Times are INTEGER milliseconds since the Unix epoch; decimals are canonical TEXT.

-- One row per decided quote; seq (the rowid) is the local commit order. outcome: 1 validated,
-- 2 rejected, 3 expired.
CREATE TABLE decisions (
    seq            INTEGER PRIMARY KEY,
    quote_id       BLOB    NOT NULL UNIQUE CHECK (length(quote_id) = 32),
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
CREATE INDEX decisions_time ON decisions (observed_at_ms DESC, seq DESC);
CREATE INDEX decisions_symbol_time ON decisions (symbol, observed_at_ms DESC, seq DESC);
CREATE INDEX decisions_source_time ON decisions (source, observed_at_ms DESC, seq DESC);

CREATE TABLE symbol_sources (
    symbol              TEXT    NOT NULL,
    source              TEXT    NOT NULL,
    validated           INTEGER NOT NULL,
    last_price          TEXT    NOT NULL,
    last_observed_at_ms INTEGER NOT NULL,
    PRIMARY KEY (symbol, source)
) WITHOUT ROWID;

CREATE TABLE source_stats (
    source    TEXT    NOT NULL,
    symbol    TEXT    NOT NULL,
    validated INTEGER NOT NULL DEFAULT 0,
    rejected  INTEGER NOT NULL DEFAULT 0,
    expired   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source, symbol)
) WITHOUT ROWID;

CREATE TABLE peer_stats (
    peer                BLOB    PRIMARY KEY,
    proposals_validated INTEGER NOT NULL DEFAULT 0,
    proposals_rejected  INTEGER NOT NULL DEFAULT 0,
    proposals_expired   INTEGER NOT NULL DEFAULT 0,
    votes_agreed        INTEGER NOT NULL DEFAULT 0,
    votes_disagreed     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE source_events (
    id          INTEGER PRIMARY KEY,
    source      TEXT    NOT NULL,
    at_ms       INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    quotes      INTEGER,
    message     TEXT,
    line        INTEGER,
    col         INTEGER,
    http_status INTEGER
);
CREATE INDEX source_events_time ON source_events (at_ms DESC, id DESC);
CREATE INDEX source_events_source_time ON source_events (source, at_ms DESC, id DESC);

CREATE TABLE source_scores (
    source        TEXT    PRIMARY KEY,
    score         REAL    NOT NULL,
    acceptance    REAL    NOT NULL,
    deviation     REAL    NOT NULL,
    staleness     REAL    NOT NULL,
    reliability   REAL    NOT NULL,
    quarantined   INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE TABLE source_score_history (
    id            INTEGER PRIMARY KEY,
    source        TEXT    NOT NULL,
    score         REAL    NOT NULL,
    acceptance    REAL    NOT NULL,
    deviation     REAL    NOT NULL,
    staleness     REAL    NOT NULL,
    reliability   REAL    NOT NULL,
    quarantined   INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE INDEX source_score_history_source_time ON source_score_history (source, updated_at_ms, id);

-- addresses: JSON array of multiaddr strings.
CREATE TABLE peers (
    peer         BLOB    PRIMARY KEY,
    peer_id      TEXT    NOT NULL,
    reputation   REAL    NOT NULL,
    validator    INTEGER NOT NULL,
    addresses    TEXT    NOT NULL,
    last_seen_ms INTEGER NOT NULL
);

CREATE TABLE evidence (
    id       INTEGER PRIMARY KEY,
    voter    BLOB    NOT NULL,
    quote_id BLOB    NOT NULL,
    first    BLOB    NOT NULL,
    second   BLOB    NOT NULL,
    at_ms    INTEGER NOT NULL,
    UNIQUE (voter, quote_id)
);

CREATE TABLE prices (
    symbol            TEXT    NOT NULL,
    interval_start_ms INTEGER NOT NULL,
    price             TEXT    NOT NULL,
    confidence        TEXT    NOT NULL,
    sources           INTEGER NOT NULL,
    PRIMARY KEY (symbol, interval_start_ms)
) WITHOUT ROWID;

CREATE TABLE scripts (
    hash            BLOB    PRIMARY KEY,
    name            TEXT    NOT NULL,
    version         TEXT    NOT NULL,
    author          BLOB,
    manifest_json   TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    trusted         INTEGER NOT NULL,
    installed_at_ms INTEGER NOT NULL,
    installed_by    TEXT    NOT NULL,
    trusted_at_ms   INTEGER,
    trusted_by      TEXT
);

CREATE TABLE sync_cursors (
    peer_id TEXT    PRIMARY KEY,
    seq     INTEGER NOT NULL
);
