CREATE TABLE t (id integer, status text);
