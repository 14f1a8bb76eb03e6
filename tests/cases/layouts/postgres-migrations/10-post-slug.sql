ALTER TABLE posts ADD COLUMN slug text;
CREATE UNIQUE INDEX posts_slug_key ON posts (slug);
