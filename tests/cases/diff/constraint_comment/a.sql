CREATE TABLE t (id integer, qty integer, CONSTRAINT qty_ok CHECK (qty >= 0));
