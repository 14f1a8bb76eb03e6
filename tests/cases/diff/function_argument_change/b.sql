CREATE FUNCTION label(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'n' || n $$;
