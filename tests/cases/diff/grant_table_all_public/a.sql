CREATE TABLE scratch (id integer);
