CREATE TABLE customer (id serial NOT NULL, name text);
