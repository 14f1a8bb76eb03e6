CREATE FUNCTION add(a integer, b integer) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;
CREATE FUNCTION add(a numeric, b numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;
CREATE FUNCTION add(a integer, b integer, c integer) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT a + b + c $$;
