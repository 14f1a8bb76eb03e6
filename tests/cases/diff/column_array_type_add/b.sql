CREATE TABLE posts (id integer, tags text[] DEFAULT '{}'::text[] NOT NULL, scores integer[][]);
