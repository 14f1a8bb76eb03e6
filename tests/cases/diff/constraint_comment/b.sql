CREATE TABLE t (id integer, qty integer, CONSTRAINT qty_ok CHECK (qty >= 0));
COMMENT ON CONSTRAINT qty_ok ON t IS 'stock cannot go negative';
