-- case: ANALYZE (unlike VACUUM) runs inside a transaction block
-- expect: concurrently-in-transaction none
-- expect: migrate-refuses none
-- live: CREATE TABLE t (c int);
-- runs: ok
ANALYZE t (c);
