-- case: an UPDATE in a WITH query setting a column twice fails with its statement
-- expect: duplicate-column error line 6
-- live: CREATE TYPE point3 AS (x int, y int, tags text[]);
-- live: CREATE TABLE items (id int PRIMARY KEY, pos point3, tags text[], n int, doc jsonb);
-- runs: fails 42601
WITH changed AS (UPDATE items SET n = 1, n = 2 RETURNING id) SELECT count(*) FROM changed;
