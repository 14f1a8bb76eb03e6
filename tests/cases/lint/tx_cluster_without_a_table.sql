-- case: CLUSTER without a table cannot run inside a transaction block; CLUSTER t USING i can
-- expect: concurrently-in-transaction error line 6
-- live: CREATE TABLE t (c int); CREATE INDEX i ON t (c);
-- runs: fails 25001
CLUSTER t USING i;
CLUSTER;
