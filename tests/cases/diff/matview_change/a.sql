CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL, placed_at date NOT NULL);
CREATE MATERIALIZED VIEW daily_totals AS
SELECT placed_at, sum(amount) AS total FROM orders GROUP BY placed_at;
CREATE UNIQUE INDEX daily_totals_day ON daily_totals (placed_at);
