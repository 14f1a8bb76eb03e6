CREATE TYPE prio AS ENUM ('high', 'low', 'mid');
CREATE TABLE tasks (id integer, prio prio DEFAULT 'mid' NOT NULL);
CREATE FUNCTION urgent(p prio) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT p = 'high' $$;
CREATE FUNCTION default_prio() RETURNS prio LANGUAGE sql IMMUTABLE AS $$ SELECT 'mid'::prio $$;
