-- case: CREATE INDEX without CONCURRENTLY blocks writes while it builds
-- expect: create-index-non-concurrent warning line 5
-- live: CREATE TABLE table_name (id bigint, field_name text);
-- runs: ok
CREATE INDEX "field_name_idx" ON "table_name" ("field_name");
