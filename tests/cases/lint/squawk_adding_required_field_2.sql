-- case: NOT NULL with a default, or no NOT NULL, is not a required column
-- expect: add-required-column none
-- live: CREATE TABLE core_recipe (id bigint PRIMARY KEY, price numeric, qty integer);
-- live: INSERT INTO core_recipe SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE "core_recipe" ADD COLUMN "public" boolean NOT NULL DEFAULT true;
ALTER TABLE "core_recipe" ADD COLUMN "draft" boolean;
