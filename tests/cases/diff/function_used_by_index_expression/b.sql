CREATE FUNCTION norm(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(trim(s)) $$;
CREATE TABLE tags (id integer, name text);
CREATE INDEX tags_norm_idx ON tags (norm(name));
