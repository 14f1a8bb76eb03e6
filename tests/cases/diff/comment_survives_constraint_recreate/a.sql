CREATE TABLE t (id integer, n integer, CONSTRAINT n_ok CHECK (n > 0));
COMMENT ON CONSTRAINT n_ok ON t IS 'positive';
