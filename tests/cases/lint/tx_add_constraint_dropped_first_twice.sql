-- case: DROP CONSTRAINT IF EXISTS c, ADD CONSTRAINT c in one statement runs twice
-- expect: non-idempotent-in-non-transactional none
-- live: CREATE TABLE t (c int, d int, CONSTRAINT t_d_check CHECK (d > 0));
-- runs: ok twice
-- pgshift:no-transaction
ALTER TABLE t DROP CONSTRAINT IF EXISTS t_c_check,
  ADD CONSTRAINT t_c_check CHECK (c > 0) NOT VALID;
ALTER TABLE t DROP CONSTRAINT IF EXISTS t_c_key, ADD CONSTRAINT t_c_key UNIQUE (c);
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_c_idx ON t (c);
