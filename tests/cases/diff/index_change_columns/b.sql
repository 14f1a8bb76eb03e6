CREATE TABLE t (id integer, a text, b text);
CREATE INDEX t_ab_idx ON t (a, b DESC NULLS LAST);
