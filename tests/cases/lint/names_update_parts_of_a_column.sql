-- case: fields and elements of one column may each be set, the very same one too
-- expect: duplicate-column none
-- expect: naming-and-identifiers none
-- live: CREATE TYPE point3 AS (x int, y int, tags text[]);
-- live: CREATE TABLE items (id int PRIMARY KEY, pos point3, tags text[], n int, doc jsonb);
-- runs: ok
UPDATE items SET pos.x = 1, pos.y = 2 WHERE id = 1;
UPDATE items SET tags[1] = 'a', tags[2] = 'b' WHERE id = 1;
UPDATE items SET tags[1] = 'a', tags[1] = 'b' WHERE id = 1;
UPDATE items SET pos.x = 1, pos.x = 2 WHERE id = 1;
UPDATE items SET pos.tags[1] = 'a', pos.x = 2, pos.tags[2] = 'b' WHERE id = 1;
UPDATE items SET (pos.x, pos.y) = (1, 2) WHERE id = 1;
INSERT INTO items (id, tags[1], tags[2], pos.x, pos.x) VALUES (1, 'a', 'b', 1, 2);
INSERT INTO items (id) VALUES (2) ON CONFLICT (id) DO UPDATE SET tags[1] = 'a', tags[2] = 'b';
