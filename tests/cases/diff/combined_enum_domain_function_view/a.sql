CREATE TYPE color AS ENUM ('red', 'green');
CREATE DOMAIN percent AS numeric CHECK (VALUE BETWEEN 0 AND 100);
CREATE TABLE paints (id integer PRIMARY KEY, color color NOT NULL, opacity percent);
CREATE FUNCTION opaque(p paints) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT p.opacity = 100 $$;
CREATE VIEW reds AS SELECT id, opacity FROM paints WHERE color = 'red';
