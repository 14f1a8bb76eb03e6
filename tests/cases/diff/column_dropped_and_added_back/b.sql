CREATE TABLE t (a int, b text GENERATED ALWAYS AS (a::text) STORED, c int);
