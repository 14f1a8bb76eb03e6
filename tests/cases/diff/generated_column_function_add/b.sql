CREATE TABLE t (a text, b text GENERATED ALWAYS AS (lower(a)) STORED);
