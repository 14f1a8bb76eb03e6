CREATE TABLE t (id integer, a text);
CREATE INDEX t_a_idx ON t (a, id);
COMMENT ON INDEX t_a_idx IS 'by a';
