CREATE TABLE t (id integer, qty text);
