CREATE TABLE people (id integer PRIMARY KEY, fullname text NOT NULL, age integer);
