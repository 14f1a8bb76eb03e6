-- case: ALTER TABLE ... ADD CONSTRAINT fails when the file runs again (there is no IF NOT EXISTS)
-- expect: non-idempotent-in-non-transactional warning line 6 safe "DROP CONSTRAINT IF EXISTS t_c_check, ADD CONSTRAINT t_c_check"
-- live: CREATE TABLE t (c int, d int, CONSTRAINT t_d_check CHECK (d > 0));
-- runs: fails twice 42710
-- pgshift:no-transaction
ALTER TABLE t ADD CONSTRAINT t_c_check CHECK (c > 0) NOT VALID;
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_c_idx ON t (c);
