CREATE FUNCTION new_code() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT 'C' || floor(random() * 1000)::int $$;
CREATE TABLE coupons (id integer, code text DEFAULT new_code() NOT NULL);
