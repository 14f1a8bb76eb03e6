-- case: REINDEX (CONCURRENTLY false|off|0) runs inside a transaction block: the option's value counts
-- expect: concurrently-in-transaction none
-- expect: migrate-refuses none
-- live: CREATE TABLE t (c int); CREATE INDEX i ON t (c);
-- runs: ok
-- needs: 14 REINDEX (CONCURRENTLY ...)
REINDEX (CONCURRENTLY false) INDEX i;
REINDEX (CONCURRENTLY off) INDEX i;
REINDEX (CONCURRENTLY 0) INDEX i;
REINDEX (VERBOSE, CONCURRENTLY 'FALSE') TABLE t;
