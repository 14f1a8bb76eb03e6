-- case: text to varchar(255) USING foo::varchar(255) silently cuts a longer value (runs, loses data)
-- expect: narrowing-type-change error line 6
-- live: CREATE TABLE core_recipe (id bigint, foo text);
-- live: INSERT INTO core_recipe VALUES (1, repeat('x', 300));
-- runs: ok
ALTER TABLE "core_recipe" ALTER COLUMN "foo" TYPE varchar(255) USING "foo"::varchar(255);
