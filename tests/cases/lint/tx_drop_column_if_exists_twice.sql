-- case: ALTER TABLE ... DROP COLUMN IF EXISTS runs twice
-- expect: non-idempotent-in-non-transactional none
-- live: CREATE TABLE t (c int, d int, CONSTRAINT t_d_check CHECK (d > 0));
-- runs: ok twice
-- pgshift:no-transaction
ALTER TABLE t DROP COLUMN IF EXISTS d;
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_c_idx ON t (c);
