-- case: ALTER TABLE ... DROP COLUMN without IF EXISTS fails when the file runs again
-- expect: non-idempotent-in-non-transactional warning line 6 safe "DROP COLUMN IF EXISTS d"
-- live: CREATE TABLE t (c int, d int, CONSTRAINT t_d_check CHECK (d > 0));
-- runs: fails twice 42703
-- pgshift:no-transaction
ALTER TABLE t DROP COLUMN d;
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_c_idx ON t (c);
