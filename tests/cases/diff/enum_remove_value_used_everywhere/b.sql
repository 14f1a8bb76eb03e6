CREATE TYPE status AS ENUM ('draft', 'live', 'dead');
CREATE TABLE posts (id integer PRIMARY KEY, status status DEFAULT 'draft' NOT NULL, past status[] DEFAULT '{}' NOT NULL);
CREATE INDEX posts_status_idx ON posts (status);
CREATE FUNCTION is_visible(s status) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT s = 'live' $$;
CREATE VIEW live_posts AS SELECT id, status FROM posts WHERE status = 'live';
