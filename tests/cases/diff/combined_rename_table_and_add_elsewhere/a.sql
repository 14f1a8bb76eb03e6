CREATE TABLE tmp_users (id integer NOT NULL, login text NOT NULL);
CREATE TABLE posts (id integer PRIMARY KEY, body text);
