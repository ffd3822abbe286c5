-- The (symbol, time) index is no longer maintained row by row. With hundreds of symbols each
-- commit added a row or two per symbol, so it rewrote one leaf page of that index per symbol
-- (4 KiB of WAL each), which was about 40% of a busy node's commit time. Its entries now live in
-- decision_symbols, appended in bulk (sorted, one pass per leaf page) once the decisions not yet
-- indexed (seq above decision_symbol_tail.indexed_seq, the tail) are a few thousand; reads by
-- symbol merge that table with a scan of the tail (mdn-store-sqlite's symbol_index).
CREATE TABLE decision_symbols (
    symbol         TEXT    NOT NULL,
    observed_at_ms INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    PRIMARY KEY (symbol, observed_at_ms, seq)
) WITHOUT ROWID;
CREATE TABLE decision_symbol_tail (indexed_seq INTEGER NOT NULL);

INSERT INTO decision_symbols (symbol, observed_at_ms, seq)
    SELECT symbol, observed_at_ms, seq FROM decisions WHERE true ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING;
INSERT INTO decision_symbol_tail (indexed_seq) SELECT COALESCE(MAX(seq), 0) FROM decisions;
DROP INDEX decisions_symbol_time;
