-- case: a default calling an immutable built-in with arguments (lower('ABC')) does not rewrite
-- expect: add-column-volatile-default none
-- live: CREATE TABLE core_recipe (id bigint PRIMARY KEY, price numeric, qty integer);
-- live: INSERT INTO core_recipe SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE core_recipe ADD COLUMN code text DEFAULT lower('ABC');
