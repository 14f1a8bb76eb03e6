CREATE TABLE t (id integer, code text, CONSTRAINT t_code_key UNIQUE (code));
