-- case: random() is volatile: the default is computed for every row, a rewrite
-- expect: add-column-volatile-default warning line 6
-- live: CREATE TABLE core_recipe (id bigint PRIMARY KEY, price numeric, qty integer);
-- live: INSERT INTO core_recipe SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE "core_recipe" ADD COLUMN "foo" boolean DEFAULT random() > 0.5;
