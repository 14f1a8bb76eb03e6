-- case: numeric(10,2) to numeric(12,3) keeps every value but rewrites (the scale changes)
-- expect: narrowing-type-change none
-- expect: change-column-type warning line 7
-- live: CREATE TABLE orders (id bigint, total numeric(10, 2));
-- live: INSERT INTO orders SELECT g, 12345678.12 FROM generate_series(1, 100) g;
-- runs: ok
ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 3);
