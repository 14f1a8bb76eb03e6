CREATE FUNCTION label(n integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'n' || n $$;
