-- case: INSERT naming a column twice fails (column specified more than once)
-- expect: duplicate-column error line 6
-- live: CREATE TYPE point3 AS (x int, y int, tags text[]);
-- live: CREATE TABLE items (id int PRIMARY KEY, pos point3, tags text[], n int, doc jsonb);
-- runs: fails 42701
INSERT INTO items (id, n, n) VALUES (1, 2, 3);
