CREATE TABLE t (id integer);
COMMENT ON TABLE t IS 'old';
COMMENT ON COLUMN t.id IS 'key';
