-- pgshift:no-transaction
-- case: REINDEX CONCURRENTLY in a no-transaction migration blocks no writes
-- expect: missing-concurrently-other none
-- expect: concurrently-in-transaction none
-- live: CREATE TABLE foo (id bigint);
-- live: CREATE INDEX foo_id_idx ON foo (id);
-- runs: ok twice
-- needs: 14 REINDEX (CONCURRENTLY) (REINDEX ... CONCURRENTLY is 12)
REINDEX TABLE CONCURRENTLY foo;
REINDEX (CONCURRENTLY) INDEX foo_id_idx;
