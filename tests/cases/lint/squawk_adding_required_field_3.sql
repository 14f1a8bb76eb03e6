-- case: a stored generated NOT NULL column fills itself: not a required column
-- expect: add-required-column none
-- expect: add-column-generated-or-serial warning line 8
-- live: CREATE TABLE core_recipe (id bigint PRIMARY KEY, price numeric, qty integer);
-- live: INSERT INTO core_recipe SELECT g, g, g FROM generate_series(1, 100) g;
-- runs: ok
-- needs: 12 generated columns
ALTER TABLE core_recipe ADD COLUMN total numeric GENERATED ALWAYS AS (coalesce(price, 0) * coalesce(qty, 0)) STORED NOT NULL;
