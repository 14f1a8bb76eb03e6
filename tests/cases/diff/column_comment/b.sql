CREATE TABLE t (id integer, email text);
COMMENT ON COLUMN t.email IS 'The user''s login e-mail';
COMMENT ON COLUMN t.id IS 'surrogate key';
