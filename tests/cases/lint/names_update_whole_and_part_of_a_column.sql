-- case: a column set as a whole and in part fails (multiple assignments to same column)
-- expect: duplicate-column error line 6
-- live: CREATE TYPE point3 AS (x int, y int, tags text[]);
-- live: CREATE TABLE items (id int PRIMARY KEY, pos point3, tags text[], n int, doc jsonb);
-- runs: fails 42601
UPDATE items SET tags[1] = 'a', tags = '{}' WHERE id = 1;
