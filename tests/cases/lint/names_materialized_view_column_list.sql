-- case: a column list naming a materialized view's first column like its second fails
-- expect: duplicate-column error line 5
-- live: CREATE TABLE orders (id bigint, total numeric);
-- runs: fails 42701
CREATE MATERIALIZED VIEW order_totals (total) AS SELECT id, total FROM orders;
