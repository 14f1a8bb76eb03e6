CREATE TABLE client (id serial NOT NULL, name text);
