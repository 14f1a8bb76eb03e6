-- case: a named CREATE INDEX CONCURRENTLY IF NOT EXISTS runs twice
-- expect: non-idempotent-in-non-transactional none
-- live: CREATE TABLE t (c int, d int);
-- runs: ok twice
-- pgshift:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_c_idx ON t (c);
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_d_idx ON t (d);
