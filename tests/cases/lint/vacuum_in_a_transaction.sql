-- case: VACUUM cannot run inside a transaction block
-- expect: concurrently-in-transaction error line 5
-- live: CREATE TABLE t (c int);
-- runs: fails 25001
VACUUM t;
