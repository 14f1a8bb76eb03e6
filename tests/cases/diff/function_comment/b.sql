CREATE FUNCTION add(a integer, b integer) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;
COMMENT ON FUNCTION add(integer, integer) IS 'adds two integers';
