CREATE FUNCTION new_code() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT md5(random()::text) $$;
CREATE TABLE coupons (id integer, code text DEFAULT new_code() NOT NULL);
