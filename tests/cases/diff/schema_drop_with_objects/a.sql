CREATE TABLE t (id integer);
CREATE SCHEMA old;
CREATE TYPE old.kind AS ENUM ('a', 'b');
CREATE TABLE old.stuff (id integer PRIMARY KEY, kind old.kind);
CREATE VIEW old.stuff_a AS SELECT id FROM old.stuff WHERE kind = 'a';
CREATE FUNCTION old.f() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
