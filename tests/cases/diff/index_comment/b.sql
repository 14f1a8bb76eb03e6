CREATE TABLE t (id integer, name text);
CREATE INDEX t_name_idx ON t (name);
COMMENT ON INDEX t_name_idx IS 'lookups by name';
