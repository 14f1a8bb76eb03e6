-- case: CREATE TABLE AS with two expressions without AS: both are ?column?, it fails
-- expect: duplicate-column error line 5
-- live: CREATE TABLE orders (id bigint, total numeric, tax numeric);
-- runs: fails 42701
CREATE TABLE order_sums AS SELECT id, total + tax, total - tax FROM orders;
