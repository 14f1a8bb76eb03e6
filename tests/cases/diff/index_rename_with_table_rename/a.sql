CREATE TABLE customer (id integer NOT NULL, name text);
CREATE INDEX customer_name_idx ON customer (name);
