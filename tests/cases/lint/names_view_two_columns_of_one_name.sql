-- case: a view of a join with two id columns fails (a SELECT may, a view may not)
-- expect: duplicate-column error line 7
-- live: CREATE TABLE users (id bigint, email text);
-- live: CREATE TABLE orders (id bigint, user_id bigint, total numeric);
-- runs: fails 42701
SELECT users.id, orders.id FROM users JOIN orders ON orders.user_id = users.id;
CREATE VIEW user_orders AS
SELECT users.id, orders.id, orders.total FROM users JOIN orders ON orders.user_id = users.id;
