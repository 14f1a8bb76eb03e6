CREATE TABLE people (id integer);
