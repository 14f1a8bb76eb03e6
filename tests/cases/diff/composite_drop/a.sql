CREATE TABLE t (id integer);
CREATE TYPE address AS (street text, city text);
