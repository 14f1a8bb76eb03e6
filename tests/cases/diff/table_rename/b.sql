CREATE TABLE client (name text, email text NOT NULL, born date);
