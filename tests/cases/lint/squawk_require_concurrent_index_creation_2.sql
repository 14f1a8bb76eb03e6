-- pgshift:no-transaction
-- case: CREATE INDEX CONCURRENTLY in a no-transaction migration blocks no writes
-- expect: create-index-non-concurrent none
-- expect: concurrently-in-transaction none
-- live: CREATE TABLE table_name (id bigint, field_name text);
-- runs: ok twice
CREATE INDEX CONCURRENTLY IF NOT EXISTS "field_name_idx" ON "table_name" ("field_name");
