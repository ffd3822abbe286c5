-- The number of stored decisions per outcome, kept by every commit in the same transaction, so that
-- /api/v1/status answers without counting the whole decisions table.
CREATE TABLE decision_totals (
    outcome SMALLINT PRIMARY KEY CHECK (outcome IN (1, 2, 3)),
    count   BIGINT   NOT NULL CHECK (count >= 0)
);
INSERT INTO decision_totals (outcome, count)
SELECT o, (SELECT count(*) FROM decisions WHERE outcome = o) FROM (VALUES (1), (2), (3)) AS v(o);
