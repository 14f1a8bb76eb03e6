CREATE TYPE color AS ENUM ('red', 'orange', 'green', 'blue');
CREATE DOMAIN percent AS numeric NOT NULL DEFAULT 100 CHECK (VALUE BETWEEN 0 AND 100);
CREATE TABLE paints (id integer PRIMARY KEY, color color NOT NULL, opacity percent, name text);
CREATE FUNCTION opaque(p paints) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT p.opacity >= 99 $$;
CREATE VIEW reds AS SELECT id, opacity, name FROM paints WHERE color IN ('red', 'orange');
