CREATE TABLE client (id integer NOT NULL, name text);
CREATE INDEX client_name_idx ON client (name);
