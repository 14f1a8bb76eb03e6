-- case: CREATE UNIQUE INDEX CONCURRENTLY and its USING INDEX constraint in one transaction fail
-- expect: concurrently-in-transaction error line 5
-- live: CREATE TABLE table_name (id bigint, field_name text);
-- runs: fails 25001
CREATE UNIQUE INDEX CONCURRENTLY "field_name_idx" ON "table_name" ("field_name");
ALTER TABLE "table_name" ADD CONSTRAINT "field_name_id" UNIQUE USING INDEX "field_name_idx";
