-- case: integer to bigint rewrites the table under ACCESS EXCLUSIVE
-- expect: change-column-type warning line 7
-- expect: narrowing-type-change none
-- live: CREATE TABLE core_recipe (id bigint PRIMARY KEY, price numeric, qty integer);
-- live: INSERT INTO core_recipe SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE core_recipe ALTER COLUMN qty TYPE bigint;
