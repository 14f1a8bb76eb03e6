-- case: UPDATE setting a column twice fails, also in a multiple-column assignment
-- expect: duplicate-column error line 6
-- live: CREATE TYPE point3 AS (x int, y int, tags text[]);
-- live: CREATE TABLE items (id int PRIMARY KEY, pos point3, tags text[], n int, doc jsonb);
-- runs: fails 42601
UPDATE items SET (n, id) = (SELECT 1, 2), n = 3 WHERE id = 1;
