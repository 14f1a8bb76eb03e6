CREATE TABLE t (id integer);
CREATE FUNCTION add(a integer, b integer) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;
CREATE FUNCTION greet(name text DEFAULT 'world') RETURNS text
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN 'hello ' || name;
END
$$;
