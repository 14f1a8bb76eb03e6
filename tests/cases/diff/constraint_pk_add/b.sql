CREATE TABLE t (id integer NOT NULL, name text, CONSTRAINT t_pkey PRIMARY KEY (id));
