CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL, placed_at date NOT NULL);
CREATE VIEW paid AS SELECT id, amount, customer FROM orders WHERE amount > 0;
CREATE MATERIALIZED VIEW paid_total AS SELECT sum(amount) AS total FROM paid;
