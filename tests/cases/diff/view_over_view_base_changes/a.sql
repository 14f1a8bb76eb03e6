CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL, placed_at date NOT NULL);
CREATE VIEW recent_orders AS SELECT id, customer, amount FROM orders WHERE placed_at > date '2024-01-01';
CREATE VIEW recent_totals AS SELECT customer, sum(amount) AS total FROM recent_orders GROUP BY customer;
