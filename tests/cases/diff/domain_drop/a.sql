CREATE TABLE t (id integer);
CREATE DOMAIN email AS text CHECK (VALUE ~ '@');
