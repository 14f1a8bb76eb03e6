CREATE TABLE t (id integer, status text DEFAULT 'new', priority integer DEFAULT 1);
