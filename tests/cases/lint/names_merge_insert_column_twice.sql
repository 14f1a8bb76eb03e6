-- case: MERGE ... INSERT naming a column twice fails
-- expect: duplicate-column error line 8
-- pg: 15
-- live: CREATE TYPE point3 AS (x int, y int, tags text[]);
-- live: CREATE TABLE items (id int PRIMARY KEY, pos point3, tags text[], n int, doc jsonb);
-- runs: fails 42701
-- needs: 15 MERGE
MERGE INTO items USING (SELECT 1 AS id) s ON items.id = s.id
WHEN NOT MATCHED THEN INSERT (id, n, n) VALUES (s.id, 1, 2);
