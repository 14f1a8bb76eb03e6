CREATE TABLE t (id integer, qty integer);
