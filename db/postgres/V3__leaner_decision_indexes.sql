-- Cheaper commits. Symbols and sources are ASCII identifiers: compare them byte by byte (collation
-- "C") instead of through the database's locale, and drop the source+time index: per-source lists
-- walk decisions_time (sources are few, so a page of one source is found within a few pages of all).
DROP INDEX decisions_source_time;
ALTER TABLE decisions
    ALTER COLUMN symbol TYPE TEXT COLLATE "C",
    ALTER COLUMN source TYPE TEXT COLLATE "C";
