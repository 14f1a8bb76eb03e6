CREATE TABLE t (id integer, name text);
CREATE INDEX t_name_idx ON t (name);
