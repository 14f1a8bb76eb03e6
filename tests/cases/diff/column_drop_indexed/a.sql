CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL, token text);
CREATE UNIQUE INDEX users_token_idx ON users (token);
