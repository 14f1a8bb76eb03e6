CREATE TABLE t (id integer, qty integer, CONSTRAINT qty_not_negative CHECK (qty >= 0));
