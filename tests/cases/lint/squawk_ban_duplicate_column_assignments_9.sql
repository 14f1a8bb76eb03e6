-- case: CREATE TABLE with a column twice fails
-- expect: duplicate-column error line 4
-- runs: fails 42701
CREATE TABLE t (a int, a text);
