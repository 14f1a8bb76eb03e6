-- case: INSERT naming a column twice fails
-- expect: duplicate-column error line 6
-- live: CREATE TYPE k_record AS (x int, y int);
-- live: CREATE TABLE k (id bigint PRIMARY KEY, a int, b int, c int, r k_record, arr int[]);
-- runs: fails 42701
INSERT INTO k (id, a, a) VALUES (1, 1, 2);
