-- case: varchar(100) to text with a USING cast: no rewrite, every value kept
-- expect: narrowing-type-change none
-- expect: change-column-type none
-- live: CREATE TABLE core_recipe (id bigint, edits varchar(100));
-- live: INSERT INTO core_recipe SELECT g, 'e' || g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE "core_recipe" ALTER COLUMN "edits" TYPE text USING "edits"::text;
