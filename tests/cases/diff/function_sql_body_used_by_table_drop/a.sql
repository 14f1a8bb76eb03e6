CREATE FUNCTION next_code() RETURNS text LANGUAGE sql VOLATILE
BEGIN ATOMIC
    SELECT 'c' || (random() * 1000)::integer;
END;
CREATE FUNCTION valid_size(n integer) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN n BETWEEN 0 AND 100;
CREATE FUNCTION doubled(n integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN n * 2;
CREATE FUNCTION folded(s text) RETURNS text LANGUAGE sql IMMUTABLE RETURN lower(s);
-- SQL-standard bodies: each function must exist before the column, check or index
CREATE TABLE keep (id integer, code text DEFAULT next_code());
CREATE TABLE items (
    name text NOT NULL,
    size integer CHECK (valid_size(size)),
    twice integer GENERATED ALWAYS AS (doubled(size)) STORED
);
CREATE INDEX items_folded ON items (folded(name));
