CREATE TABLE t (id integer, a text, b text, c integer);
CREATE INDEX t_a_idx ON t (a);
