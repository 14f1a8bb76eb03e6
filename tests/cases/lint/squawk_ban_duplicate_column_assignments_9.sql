-- case: CREATE TABLE with a column twice fails
-- expect: naming-and-identifiers info line 4
-- runs: fails 42701
CREATE TABLE t (a int, a text);
