-- case: text to varchar(255) fails on a longer value
-- expect: narrowing-type-change error line 6
-- live: CREATE TABLE core_recipe (id bigint, foo text);
-- live: INSERT INTO core_recipe VALUES (1, repeat('x', 300));
-- runs: fails 22001
ALTER TABLE "core_recipe" ALTER COLUMN "foo" TYPE varchar(255);
