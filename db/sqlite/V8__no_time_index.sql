-- The list of all decisions newest first reads the unique (observed_at_ms, quote_id) index
-- backwards and orders each millisecond's few rows by seq; a second time index only cost every
-- commit an insert.
DROP INDEX decisions_time;
