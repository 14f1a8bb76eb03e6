-- case: REINDEX (CONCURRENTLY on) cannot run inside a transaction block
-- expect: concurrently-in-transaction error line 6
-- expect: migrate-refuses none
-- live: CREATE TABLE t (c int); CREATE INDEX i ON t (c);
-- runs: fails 25001
REINDEX (CONCURRENTLY on) INDEX i;
