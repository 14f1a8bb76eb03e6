-- case: ANALYZE (VERBOSE false) runs in a transaction, whatever its options
-- expect: concurrently-in-transaction none
-- expect: migrate-refuses none
-- live: CREATE TABLE t (c int);
-- runs: ok
ANALYZE (VERBOSE false, SKIP_LOCKED) t;
