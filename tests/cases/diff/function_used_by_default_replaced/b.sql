CREATE FUNCTION make_code(prefix text DEFAULT 'K') RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT prefix || md5(random()::text) $$;
CREATE TABLE coupons (id integer, code text DEFAULT make_code() NOT NULL);
