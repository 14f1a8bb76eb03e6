-- case: DROP TABLE, with or without IF EXISTS, deletes the table's data
-- expect: drop-table error line 7
-- expect: drop-table error line 8
-- live: CREATE TABLE table_name (id bigint);
-- live: CREATE TABLE other_table (id bigint);
-- runs: ok
DROP TABLE "table_name";
DROP TABLE IF EXISTS "other_table";
