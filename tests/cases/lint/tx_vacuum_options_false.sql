-- case: VACUUM (FULL false) is still a VACUUM: no option lets it run in a transaction
-- expect: concurrently-in-transaction error line 5
-- live: CREATE TABLE t (c int);
-- runs: fails 25001
VACUUM (FULL false, ANALYZE off) t;
