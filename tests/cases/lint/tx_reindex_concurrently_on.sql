-- case: REINDEX (CONCURRENTLY on) cannot run inside a transaction block
-- expect: concurrently-in-transaction error line 7
-- expect: migrate-refuses none
-- live: CREATE TABLE t (c int); CREATE INDEX i ON t (c);
-- runs: fails 25001
-- needs: 14 REINDEX (CONCURRENTLY ...)
REINDEX (CONCURRENTLY on) INDEX i;
