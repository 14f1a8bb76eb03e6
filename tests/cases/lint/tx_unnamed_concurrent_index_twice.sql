-- case: an unnamed CREATE INDEX CONCURRENTLY run again does not fail: it builds t_c_idx1 beside t_c_idx
-- expect: non-idempotent-in-non-transactional warning line 6 safe "IF NOT EXISTS t_c_idx"
-- live: CREATE TABLE t (c int);
-- runs: ok twice
-- pgshift:no-transaction
CREATE INDEX CONCURRENTLY ON t (c);
