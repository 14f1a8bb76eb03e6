-- case: INSERT naming a column and an element of it fails
-- expect: duplicate-column error line 6
-- live: CREATE TYPE point3 AS (x int, y int, tags text[]);
-- live: CREATE TABLE items (id int PRIMARY KEY, pos point3, tags text[], n int, doc jsonb);
-- runs: fails 42701
INSERT INTO items (id, tags, tags[1]) VALUES (1, '{}', 'a');
