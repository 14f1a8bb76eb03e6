CREATE TABLE t (a text, b text GENERATED ALWAYS AS (lower(a)) STORED, c int GENERATED ALWAYS AS (length(a)) STORED);
