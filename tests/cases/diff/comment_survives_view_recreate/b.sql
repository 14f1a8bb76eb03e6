CREATE TABLE t (id integer, name varchar(30));
CREATE VIEW v AS SELECT id, name FROM t;
COMMENT ON VIEW v IS 'names';
COMMENT ON COLUMN v.name IS 'the name';
