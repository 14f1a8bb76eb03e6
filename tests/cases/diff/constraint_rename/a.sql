CREATE TABLE t (id integer, qty integer, CONSTRAINT t_check1 CHECK (qty >= 0));
