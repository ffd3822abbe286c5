-- Source scores per source and per source and symbol ('' = the source as a whole), with the
-- network view (median of validators' reports) next to this node's own score. SQLite cannot
-- change a primary key in place, so the current-scores table is rebuilt.
CREATE TABLE source_scores_v2 (
    source        TEXT    NOT NULL,
    symbol        TEXT    NOT NULL DEFAULT '',
    score         REAL    NOT NULL,
    acceptance    REAL    NOT NULL,
    deviation     REAL    NOT NULL,
    staleness     REAL    NOT NULL,
    reliability   REAL    NOT NULL,
    quarantined   INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    network_score REAL,
    PRIMARY KEY (source, symbol)
);
INSERT INTO source_scores_v2
    (source, score, acceptance, deviation, staleness, reliability, quarantined, updated_at_ms)
    SELECT source, score, acceptance, deviation, staleness, reliability, quarantined, updated_at_ms
    FROM source_scores;
DROP TABLE source_scores;
ALTER TABLE source_scores_v2 RENAME TO source_scores;

ALTER TABLE source_score_history ADD COLUMN symbol TEXT NOT NULL DEFAULT '';
ALTER TABLE source_score_history ADD COLUMN network_score REAL;
DROP INDEX source_score_history_source_time;
CREATE INDEX source_score_history_source_time
    ON source_score_history (source, symbol, updated_at_ms, id);
