-- case: a stored generated column is computed for every row: a rewrite
-- expect: add-column-generated-or-serial warning line 7
-- live: CREATE TABLE core_recipe (id bigint PRIMARY KEY, price numeric, qty integer);
-- live: INSERT INTO core_recipe SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: ok
-- needs: 12 generated columns
ALTER TABLE core_recipe ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED;
