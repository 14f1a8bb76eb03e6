CREATE TABLE customer (name text, email text NOT NULL, born date);
