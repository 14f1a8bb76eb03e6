-- case: renaming a column breaks the running application
-- expect: rename-column warning line 5
-- live: CREATE TABLE table_name (id bigint, column_name text);
-- runs: ok
ALTER TABLE "table_name" RENAME COLUMN "column_name" TO "new_column_name";
