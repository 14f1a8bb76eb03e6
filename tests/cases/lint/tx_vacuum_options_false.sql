-- case: VACUUM (FULL false) is still a VACUUM: no option lets it run in a transaction
-- expect: concurrently-in-transaction error line 6
-- live: CREATE TABLE t (c int);
-- runs: fails 25001
-- needs: 12 VACUUM (FULL false): option values
VACUUM (FULL false, ANALYZE off) t;
