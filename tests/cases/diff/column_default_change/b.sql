CREATE TABLE t (id integer, status text DEFAULT 'open', priority integer DEFAULT 5);
