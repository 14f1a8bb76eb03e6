-- case: renaming a table breaks the running application
-- expect: rename-table warning line 5
-- live: CREATE TABLE table_name (id bigint);
-- runs: ok
ALTER TABLE "table_name" RENAME TO "new_table_name";
