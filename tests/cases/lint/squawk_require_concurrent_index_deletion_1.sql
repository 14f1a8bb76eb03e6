-- case: DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table
-- expect: drop-index-non-concurrent warning line 6
-- live: CREATE TABLE table_name (id bigint, field_name text);
-- live: CREATE INDEX field_name_idx ON table_name (field_name);
-- runs: ok
DROP INDEX IF EXISTS "field_name_idx";
