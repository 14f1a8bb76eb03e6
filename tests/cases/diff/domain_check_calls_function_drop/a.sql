CREATE TABLE keep (id integer);
-- named so that alphabetical order would put each domain before its function
CREATE FUNCTION is_email(s text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE
AS $$ BEGIN RETURN s LIKE '%@%'; END; $$;
CREATE FUNCTION z_positive(n integer) RETURNS boolean LANGUAGE sql IMMUTABLE
RETURN n > 0;
CREATE DOMAIN email AS text CONSTRAINT email_check CHECK (is_email(VALUE));
CREATE DOMAIN amount AS integer CONSTRAINT amount_check CHECK (z_positive(VALUE));
CREATE TABLE contacts (id integer, address email, owed amount);
