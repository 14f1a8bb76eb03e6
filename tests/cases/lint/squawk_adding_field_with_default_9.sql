-- case: gen_random_uuid() is volatile: a rewrite
-- expect: add-column-volatile-default warning line 7
-- live: CREATE TABLE core_recipe (id bigint PRIMARY KEY, price numeric, qty integer);
-- live: INSERT INTO core_recipe SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: ok
-- needs: 13 gen_random_uuid() in the core
ALTER TABLE core_recipe ADD COLUMN token uuid DEFAULT gen_random_uuid();
