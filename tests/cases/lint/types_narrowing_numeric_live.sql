-- case: numeric(10,2) to numeric(9,2) fails on a value with 8 digits before the point
-- expect: narrowing-type-change error line 6
-- live: CREATE TABLE orders (id bigint, total numeric(10, 2));
-- live: INSERT INTO orders SELECT g, 12345678.12 FROM generate_series(1, 100) g;
-- runs: fails 22003
ALTER TABLE orders ALTER COLUMN total TYPE numeric(9,2);
