-- mdnode PostgreSQL schema, version 1. Applied by refinery (embedded in the binary) at connect and
-- by `mdnode migrate`. Migrations are additive: never edit an applied file, add V2__... instead.

-- Local commit order of decisions; also bumped when an expired decision is upgraded.
CREATE SEQUENCE decision_seq AS BIGINT;

-- One row per decided quote. outcome: 1 validated, 2 rejected, 3 expired.
CREATE TABLE decisions (
    quote_id      BYTEA       PRIMARY KEY CHECK (octet_length(quote_id) = 32),
    seq           BIGINT      NOT NULL DEFAULT nextval('decision_seq'),
    symbol        TEXT        NOT NULL,
    source        TEXT        NOT NULL,
    price         NUMERIC     NOT NULL,
    bid           NUMERIC,
    ask           NUMERIC,
    volume        NUMERIC,
    observed_at   TIMESTAMPTZ NOT NULL,
    script_hash   BYTEA       NOT NULL,
    evidence_hash BYTEA       NOT NULL,
    proposer      BYTEA       NOT NULL,
    outcome       SMALLINT    NOT NULL CHECK (outcome IN (1, 2, 3)),
    decided_at    TIMESTAMPTZ NOT NULL,
    -- Encoded certificate (MDN canonical encoding), present exactly for validated decisions.
    certificate   BYTEA,
    CHECK ((outcome = 1) = (certificate IS NOT NULL))
);
ALTER SEQUENCE decision_seq OWNED BY decisions.seq;
-- Decisions by local seq (catch-up sync, upgrades).
CREATE UNIQUE INDEX decisions_seq ON decisions (seq);
-- History newest first, overall, by symbol and by source.
CREATE INDEX decisions_time ON decisions (observed_at DESC, seq DESC);
CREATE INDEX decisions_symbol_time ON decisions (symbol, observed_at DESC, seq DESC);
CREATE INDEX decisions_source_time ON decisions (source, observed_at DESC, seq DESC);

-- Latest validated quote per (symbol, source), maintained by commits: serves the symbol summary.
CREATE TABLE symbol_sources (
    symbol           TEXT        NOT NULL,
    source           TEXT        NOT NULL,
    validated        BIGINT      NOT NULL,
    last_price       NUMERIC     NOT NULL,
    last_observed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (symbol, source)
);

-- Decision counters per source and symbol (score effects).
CREATE TABLE source_stats (
    source    TEXT   NOT NULL,
    symbol    TEXT   NOT NULL,
    validated BIGINT NOT NULL DEFAULT 0,
    rejected  BIGINT NOT NULL DEFAULT 0,
    expired   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (source, symbol)
);

-- Decision counters per peer, as proposer and as voter (score effects).
CREATE TABLE peer_stats (
    peer                BYTEA  PRIMARY KEY,
    proposals_validated BIGINT NOT NULL DEFAULT 0,
    proposals_rejected  BIGINT NOT NULL DEFAULT 0,
    proposals_expired   BIGINT NOT NULL DEFAULT 0,
    votes_agreed        BIGINT NOT NULL DEFAULT 0,
    votes_disagreed     BIGINT NOT NULL DEFAULT 0
);

-- Script runs. kind: ok, script_error, timeout, http_error, rejected_output.
CREATE TABLE source_events (
    id          BIGSERIAL   PRIMARY KEY,
    source      TEXT        NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    duration_ms BIGINT      NOT NULL,
    kind        TEXT        NOT NULL,
    quotes      INTEGER,
    message     TEXT,
    line        INTEGER,
    col         INTEGER,
    http_status INTEGER
);
CREATE INDEX source_events_time ON source_events (at DESC, id DESC);
CREATE INDEX source_events_source_time ON source_events (source, at DESC, id DESC);

-- Current source scores, and every score ever put.
CREATE TABLE source_scores (
    source      TEXT             PRIMARY KEY,
    score       DOUBLE PRECISION NOT NULL,
    acceptance  DOUBLE PRECISION NOT NULL,
    deviation   DOUBLE PRECISION NOT NULL,
    staleness   DOUBLE PRECISION NOT NULL,
    reliability DOUBLE PRECISION NOT NULL,
    quarantined BOOLEAN          NOT NULL,
    updated_at  TIMESTAMPTZ      NOT NULL
);
CREATE TABLE source_score_history (
    id          BIGSERIAL        PRIMARY KEY,
    source      TEXT             NOT NULL,
    score       DOUBLE PRECISION NOT NULL,
    acceptance  DOUBLE PRECISION NOT NULL,
    deviation   DOUBLE PRECISION NOT NULL,
    staleness   DOUBLE PRECISION NOT NULL,
    reliability DOUBLE PRECISION NOT NULL,
    quarantined BOOLEAN          NOT NULL,
    updated_at  TIMESTAMPTZ      NOT NULL
);
CREATE INDEX source_score_history_source_time ON source_score_history (source, updated_at, id);

-- Known peers.
CREATE TABLE peers (
    peer        BYTEA            PRIMARY KEY,
    peer_id     TEXT             NOT NULL,
    reputation  DOUBLE PRECISION NOT NULL,
    validator   BOOLEAN          NOT NULL,
    addresses   TEXT[]           NOT NULL,
    last_seen   TIMESTAMPTZ      NOT NULL
);

-- Equivocation evidence: two different votes of one voter on one quote.
CREATE TABLE evidence (
    id       BIGSERIAL   PRIMARY KEY,
    voter    BYTEA       NOT NULL,
    quote_id BYTEA       NOT NULL,
    first    BYTEA       NOT NULL,
    second   BYTEA       NOT NULL,
    at       TIMESTAMPTZ NOT NULL,
    UNIQUE (voter, quote_id)
);

-- Consensus prices per symbol and interval.
CREATE TABLE prices (
    symbol         TEXT        NOT NULL,
    interval_start TIMESTAMPTZ NOT NULL,
    price          NUMERIC     NOT NULL,
    confidence     NUMERIC     NOT NULL,
    sources        INTEGER     NOT NULL,
    PRIMARY KEY (symbol, interval_start)
);

-- Installed scripts, content-addressed.
CREATE TABLE scripts (
    hash          BYTEA       PRIMARY KEY,
    name          TEXT        NOT NULL,
    version       TEXT        NOT NULL,
    author        BYTEA,
    manifest_json TEXT        NOT NULL,
    body          TEXT        NOT NULL,
    trusted       BOOLEAN     NOT NULL,
    installed_at  TIMESTAMPTZ NOT NULL,
    installed_by  TEXT        NOT NULL,
    trusted_at    TIMESTAMPTZ,
    trusted_by    TEXT
);

-- Catch-up sync position per peer.
CREATE TABLE sync_cursors (
    peer_id TEXT   PRIMARY KEY,
    seq     BIGINT NOT NULL
);
