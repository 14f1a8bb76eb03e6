CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL, placed_at date NOT NULL);
CREATE MATERIALIZED VIEW customers AS SELECT DISTINCT customer FROM orders;
