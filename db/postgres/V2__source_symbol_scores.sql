-- Source scores per source and per source and symbol ('' = the source as a whole), with the
-- network view (median of validators' reports) next to this node's own score.
ALTER TABLE source_scores ADD COLUMN symbol TEXT NOT NULL DEFAULT '';
ALTER TABLE source_scores ADD COLUMN network_score DOUBLE PRECISION;
ALTER TABLE source_scores DROP CONSTRAINT source_scores_pkey;
ALTER TABLE source_scores ADD PRIMARY KEY (source, symbol);

ALTER TABLE source_score_history ADD COLUMN symbol TEXT NOT NULL DEFAULT '';
ALTER TABLE source_score_history ADD COLUMN network_score DOUBLE PRECISION;
DROP INDEX source_score_history_source_time;
CREATE INDEX source_score_history_source_time
    ON source_score_history (source, symbol, updated_at, id);
