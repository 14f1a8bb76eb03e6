CREATE TABLE users (id integer NOT NULL, login text NOT NULL);
CREATE TABLE posts (id integer PRIMARY KEY, body text, title text DEFAULT '' NOT NULL);
CREATE INDEX posts_title_idx ON posts (title);
