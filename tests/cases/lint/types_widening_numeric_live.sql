-- case: numeric(10,2) to numeric(12,2) widens it: no error, no rewrite (same scale)
-- expect: narrowing-type-change none
-- expect: change-column-type none
-- live: CREATE TABLE orders (id bigint, total numeric(10, 2));
-- live: INSERT INTO orders SELECT g, 12345678.12 FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);
