-- case: temporary tables and sequences are made again in the new session of a resumed run
-- expect: non-idempotent-in-non-transactional none
-- live: CREATE TABLE t (c int);
-- runs: ok twice
-- pgshift:no-transaction
CREATE TEMP TABLE seen (id bigint);
CREATE TEMPORARY SEQUENCE batch_seq;
CREATE TEMP TABLE copied AS SELECT c FROM t;
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_c_idx ON t (c);
