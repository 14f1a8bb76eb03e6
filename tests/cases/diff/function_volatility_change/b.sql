CREATE FUNCTION add(a integer, b integer) RETURNS integer
    LANGUAGE sql STABLE STRICT AS $$ SELECT a + b $$;
