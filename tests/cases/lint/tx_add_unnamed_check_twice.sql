-- case: an unnamed ADD CHECK run again does not fail: it adds a second, identical constraint
-- expect: non-idempotent-in-non-transactional warning line 6 safe "ADD CONSTRAINT name"
-- live: CREATE TABLE t (c int, d int, CONSTRAINT t_d_check CHECK (d > 0));
-- runs: ok twice
-- pgshift:no-transaction
ALTER TABLE t ADD CHECK (c > 0) NOT VALID;
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_c_idx ON t (c);
