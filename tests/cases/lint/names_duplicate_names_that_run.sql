-- case: duplicate names PostgreSQL accepts: a SELECT, a column list that renames, IF NOT EXISTS
-- expect: duplicate-column none
-- live: CREATE TABLE users (id bigint, email text);
-- live: CREATE TABLE orders (id bigint, user_id bigint, total numeric);
-- runs: ok
-- needs: 11 INCLUDE in a unique constraint
SELECT users.id, orders.id, 1, 2 FROM users JOIN orders ON orders.user_id = users.id;
CREATE VIEW user_orders (user_id) AS
SELECT users.id, orders.id FROM users JOIN orders ON orders.user_id = users.id;
CREATE TABLE order_pairs (first_id, second_id) AS SELECT 1 AS id, 2 AS id;
CREATE VIEW order_ids AS SELECT id, user_id AS "ID", 1 AS "?Column?" FROM orders;
CREATE VIEW user_stats AS SELECT users.*, 1 AS n FROM users;
CREATE TABLE IF NOT EXISTS users (id bigint, id bigint);
ALTER TABLE orders ADD COLUMN note text, ADD COLUMN IF NOT EXISTS note text;
ALTER TABLE orders DROP COLUMN total, ADD COLUMN total numeric;
ALTER TABLE orders ADD CONSTRAINT orders_id_key UNIQUE (id) INCLUDE (user_id, user_id);
