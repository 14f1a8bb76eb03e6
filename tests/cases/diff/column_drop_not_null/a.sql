CREATE TABLE t (id integer, name text NOT NULL);
