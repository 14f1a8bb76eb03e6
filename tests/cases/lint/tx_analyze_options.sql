-- case: ANALYZE (VERBOSE false) runs in a transaction, whatever its options
-- expect: concurrently-in-transaction none
-- expect: migrate-refuses none
-- live: CREATE TABLE t (c int);
-- runs: ok
-- needs: 12 ANALYZE (SKIP_LOCKED), option values
ANALYZE (VERBOSE false, SKIP_LOCKED) t;
