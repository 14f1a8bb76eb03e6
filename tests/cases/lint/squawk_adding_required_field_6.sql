-- case: CREATE TABLE IF NOT EXISTS does not make the table new: a NOT NULL column still fails on its rows
-- expect: add-required-column error line 7
-- live: CREATE TABLE core_recipe (id bigint PRIMARY KEY, price numeric, qty integer);
-- live: INSERT INTO core_recipe SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: fails 23502
CREATE TABLE IF NOT EXISTS core_recipe (id bigint PRIMARY KEY);
ALTER TABLE core_recipe ADD COLUMN public boolean NOT NULL;
