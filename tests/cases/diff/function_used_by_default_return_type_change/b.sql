CREATE FUNCTION next_ref() RETURNS bigint LANGUAGE sql VOLATILE AS $$ SELECT floor(random() * 1000000)::bigint $$;
CREATE TABLE refs (id integer, ref bigint DEFAULT next_ref() NOT NULL);
