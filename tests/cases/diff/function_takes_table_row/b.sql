CREATE TABLE users (id integer, first text, last text);
CREATE FUNCTION full_name(u users) RETURNS text LANGUAGE sql STABLE AS $$ SELECT u.first || ' ' || u.last $$;
