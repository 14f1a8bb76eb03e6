CREATE SCHEMA ext;
CREATE EXTENSION hstore WITH SCHEMA ext;
CREATE TABLE t (id integer, attrs ext.hstore);
