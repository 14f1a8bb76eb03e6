-- case: a new NOT NULL column without a default fails on a table with rows
-- expect: add-required-column error line 6
-- live: CREATE TABLE core_recipe (id bigint PRIMARY KEY, price numeric, qty integer);
-- live: INSERT INTO core_recipe SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: fails 23502
ALTER TABLE "core_recipe" ADD COLUMN "public" boolean NOT NULL;
