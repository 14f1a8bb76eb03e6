-- case: ALTER TABLE ... DROP CONSTRAINT without IF EXISTS fails when the file runs again
-- expect: non-idempotent-in-non-transactional warning line 6 safe "DROP CONSTRAINT IF EXISTS t_d_check"
-- live: CREATE TABLE t (c int, d int, CONSTRAINT t_d_check CHECK (d > 0));
-- runs: fails twice 42704
-- pgshift:no-transaction
ALTER TABLE t DROP CONSTRAINT t_d_check;
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_c_idx ON t (c);
