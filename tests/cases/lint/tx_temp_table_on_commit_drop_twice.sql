-- case: CREATE TEMP TABLE ... ON COMMIT DROP in a no-transaction file runs again
-- expect: non-idempotent-in-non-transactional none
-- live: CREATE TABLE t (c int);
-- runs: ok twice
-- pgshift:no-transaction
CREATE TEMP TABLE batch_ids (id bigint) ON COMMIT DROP;
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_c_idx ON t (c);
