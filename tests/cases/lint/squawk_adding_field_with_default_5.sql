-- case: a user function is volatile unless declared otherwise: a rewrite
-- expect: add-column-volatile-default warning line 7
-- live: CREATE TABLE core_recipe (id bigint PRIMARY KEY, price numeric, qty integer);
-- live: INSERT INTO core_recipe SELECT g, g, g FROM generate_series(1, 100) g;
-- live: CREATE FUNCTION myjsonb() RETURNS jsonb LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
-- runs: ok
ALTER TABLE "core_recipe" ADD COLUMN "foo" jsonb DEFAULT myjsonb();
