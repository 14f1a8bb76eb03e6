-- case: DROP NOT NULL lets NULLs reach code that assumes none
-- expect: drop-not-null warning line 5
-- live: CREATE TABLE bar_tbl (id bigint, foo_col text NOT NULL);
-- runs: ok
ALTER TABLE "bar_tbl" ALTER COLUMN "foo_col" DROP NOT NULL;
