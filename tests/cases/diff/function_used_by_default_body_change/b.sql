CREATE FUNCTION new_code() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT 'X' || floor(random() * 100000)::int $$;
CREATE TABLE coupons (id integer, code text DEFAULT new_code() NOT NULL);
