CREATE TABLE t (id integer);
CREATE FUNCTION admin_only(n integer) RETURNS integer LANGUAGE sql AS $$ SELECT n $$;
REVOKE ALL ON FUNCTION admin_only(integer) FROM PUBLIC;
