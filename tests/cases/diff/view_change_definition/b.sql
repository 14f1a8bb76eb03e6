CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL, placed_at date NOT NULL);
CREATE VIEW big_orders AS SELECT id, customer, amount, placed_at FROM orders WHERE amount > 500;
