CREATE TABLE people (id integer PRIMARY KEY, display_name text NOT NULL, age integer);
