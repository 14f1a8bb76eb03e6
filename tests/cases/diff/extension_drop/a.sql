CREATE EXTENSION hstore;
CREATE TABLE t (id integer);
