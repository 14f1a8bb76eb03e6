CREATE TABLE users (id integer, email text, data jsonb);
