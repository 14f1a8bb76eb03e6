-- case: REINDEX (CONCURRENTLY true, CONCURRENTLY false): the last one counts, and it is false
-- expect: concurrently-in-transaction none
-- expect: migrate-refuses none
-- live: CREATE TABLE t (c int); CREATE INDEX i ON t (c);
-- runs: ok
-- needs: 14 REINDEX (CONCURRENTLY ...)
REINDEX (CONCURRENTLY true, CONCURRENTLY false) INDEX i;
