CREATE TABLE t (id integer, email text);
COMMENT ON COLUMN t.email IS 'old note';
