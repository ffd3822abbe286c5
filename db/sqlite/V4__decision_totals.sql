-- The number of stored decisions per outcome, kept by every commit in the same transaction, so that
-- /api/v1/status answers without counting the whole decisions table.
CREATE TABLE decision_totals (
    outcome INTEGER PRIMARY KEY CHECK (outcome IN (1, 2, 3)),
    count   INTEGER NOT NULL CHECK (count >= 0)
);
INSERT INTO decision_totals (outcome, count)
SELECT o, (SELECT count(*) FROM decisions WHERE outcome = o)
FROM (SELECT 1 AS o UNION ALL SELECT 2 UNION ALL SELECT 3);
