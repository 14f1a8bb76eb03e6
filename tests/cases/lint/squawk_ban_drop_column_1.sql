-- case: DROP COLUMN deletes the column's data
-- expect: drop-column error line 5
-- live: CREATE TABLE bar_tbl (id bigint, foo_col text);
-- runs: ok
ALTER TABLE "bar_tbl" DROP COLUMN "foo_col" CASCADE;
