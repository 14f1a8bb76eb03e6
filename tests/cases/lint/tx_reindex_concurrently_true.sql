-- case: REINDEX (CONCURRENTLY true) cannot run inside a transaction block
-- expect: concurrently-in-transaction error line 5
-- live: CREATE TABLE t (c int); CREATE INDEX i ON t (c);
-- runs: fails 25001
REINDEX (CONCURRENTLY true) INDEX i;
