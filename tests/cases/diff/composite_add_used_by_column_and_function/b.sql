CREATE TYPE point3 AS (x double precision, y double precision, z double precision);
CREATE TABLE t (id integer, pos point3);
CREATE FUNCTION norm(p point3) RETURNS double precision LANGUAGE sql IMMUTABLE AS $$ SELECT sqrt(p.x * p.x + p.y * p.y + p.z * p.z) $$;
