-- Cheaper commits: no separate source+time index. Per-source lists walk decisions_time (sources
-- are few, so a page of one source is found within a few pages of all).
DROP INDEX decisions_source_time;
