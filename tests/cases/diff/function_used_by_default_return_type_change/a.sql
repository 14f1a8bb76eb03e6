CREATE FUNCTION next_ref() RETURNS integer LANGUAGE sql VOLATILE AS $$ SELECT floor(random() * 1000)::int $$;
CREATE TABLE refs (id integer, ref bigint DEFAULT next_ref() NOT NULL);
