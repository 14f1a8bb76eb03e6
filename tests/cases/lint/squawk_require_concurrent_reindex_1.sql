-- case: REINDEX TABLE and INDEX without CONCURRENTLY block writes while they rebuild
-- expect: missing-concurrently-other warning line 7
-- expect: missing-concurrently-other warning line 8
-- live: CREATE TABLE foo (id bigint);
-- live: CREATE INDEX foo_id_idx ON foo (id);
-- runs: ok
REINDEX TABLE foo;
REINDEX INDEX foo_id_idx;
