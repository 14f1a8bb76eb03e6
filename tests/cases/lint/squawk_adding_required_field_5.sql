-- case: an identity NOT NULL column numbers every row: it runs on a table with rows
-- expect: add-required-column none
-- expect: add-column-generated-or-serial warning line 7
-- live: CREATE TABLE core_recipe (id bigint PRIMARY KEY, price numeric, qty integer);
-- live: INSERT INTO core_recipe SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE core_recipe ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY NOT NULL;
