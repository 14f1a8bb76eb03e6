CREATE TABLE users (id integer, email text, data jsonb);
CREATE UNIQUE INDEX users_lower_email_idx ON users (lower(email));
CREATE INDEX users_data_kind_idx ON users ((data ->> 'kind'), id);
