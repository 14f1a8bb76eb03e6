CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL, placed_at date NOT NULL);
CREATE VIEW v AS SELECT id FROM orders;
COMMENT ON VIEW v IS 'order ids';
COMMENT ON COLUMN v.id IS 'the id';
