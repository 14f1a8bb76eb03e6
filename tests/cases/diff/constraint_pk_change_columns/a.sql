CREATE TABLE t (tenant integer NOT NULL, id integer NOT NULL, name text, PRIMARY KEY (id));
