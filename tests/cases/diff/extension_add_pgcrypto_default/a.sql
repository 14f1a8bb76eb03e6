CREATE TABLE tokens (id integer PRIMARY KEY, secret text);
