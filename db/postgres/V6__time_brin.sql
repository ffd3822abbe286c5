-- Cheaper commits. The B-tree on (observed_at, seq) served one query, the list of all decisions
-- newest first, and its upkeep was ~12% of a large commit. Rows are appended in about the order
-- they were observed, so a BRIN index over observed_at (a min/max per 32 pages) finds the blocks of
-- a time window; the list asks for windows growing from its newest row until a page is full
-- (pkg/store-postgres/src/reads.rs). Lists of one symbol still walk decisions_symbol_time.
DROP INDEX decisions_time;
CREATE INDEX decisions_observed_brin ON decisions USING brin (observed_at)
    WITH (pages_per_range = 32, autosummarize = on);
