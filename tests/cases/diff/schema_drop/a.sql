CREATE TABLE t (id integer);
CREATE SCHEMA scratch;
