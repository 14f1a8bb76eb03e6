CREATE TABLE t (id integer, code text, CONSTRAINT t_code_unique UNIQUE (code));
