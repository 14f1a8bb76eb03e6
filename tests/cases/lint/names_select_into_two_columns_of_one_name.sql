-- case: SELECT ... INTO making two columns of one name fails
-- expect: duplicate-column error line 5
-- live: CREATE TABLE orders (id bigint, total numeric);
-- runs: fails 42701
SELECT id, count(*), sum(total) AS count INTO order_counts FROM orders GROUP BY id;
