-- case: CREATE INDEX CONCURRENTLY alone in a migration that runs in a transaction fails
-- expect: concurrently-in-transaction error line 5
-- live: CREATE TABLE table_name (id bigint, field_name text);
-- runs: fails 25001
CREATE INDEX CONCURRENTLY "field_name_idx" ON "table_name" ("field_name");
