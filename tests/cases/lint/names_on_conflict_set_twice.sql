-- case: ON CONFLICT DO UPDATE setting a column twice fails, even with no conflict
-- expect: duplicate-column error line 6
-- live: CREATE TYPE point3 AS (x int, y int, tags text[]);
-- live: CREATE TABLE items (id int PRIMARY KEY, pos point3, tags text[], n int, doc jsonb);
-- runs: fails 42601
INSERT INTO items (id, n) VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET n = 1, n = excluded.n;
