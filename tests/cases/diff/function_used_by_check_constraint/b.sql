CREATE FUNCTION is_slug(s text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT s ~ '^[a-z0-9_-]+$' $$;
CREATE TABLE pages (id integer, slug text CONSTRAINT pages_slug_check CHECK (is_slug(slug)));
