-- case: a constant default is kept in the catalog since PostgreSQL 11: no rewrite
-- expect: add-column-volatile-default none
-- live: CREATE TABLE core_recipe (id bigint PRIMARY KEY, price numeric, qty integer);
-- live: INSERT INTO core_recipe SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE "core_recipe" ADD COLUMN "foo" integer DEFAULT 10;
