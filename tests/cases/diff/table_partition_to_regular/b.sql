CREATE TABLE readings (id integer NOT NULL, at date NOT NULL, value integer);
