-- case: REINDEX (CONCURRENTLY false) INDEX CONCURRENTLY: the last CONCURRENTLY counts, and it is true
-- expect: concurrently-in-transaction error line 6
-- live: CREATE TABLE t (c int); CREATE INDEX i ON t (c);
-- runs: fails 25001
-- needs: 14 REINDEX (CONCURRENTLY ...)
REINDEX (CONCURRENTLY false) INDEX CONCURRENTLY i;
