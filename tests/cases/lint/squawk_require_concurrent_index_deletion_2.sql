-- pgshift:no-transaction
-- case: DROP INDEX CONCURRENTLY, DROP TABLE and DROP TRIGGER are no plain index drops
-- expect: drop-index-non-concurrent none
-- live: CREATE TABLE table_name (id bigint, field_name text);
-- runs: ok twice
DROP INDEX CONCURRENTLY IF EXISTS "field_name_idx";
DROP TRIGGER IF EXISTS trigger_name ON table_name;
DROP TABLE IF EXISTS some_table;
