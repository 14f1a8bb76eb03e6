-- case: MERGE ... UPDATE setting a column twice fails, even with no row to update
-- expect: duplicate-column error line 8
-- pg: 15
-- live: CREATE TYPE point3 AS (x int, y int, tags text[]);
-- live: CREATE TABLE items (id int PRIMARY KEY, pos point3, tags text[], n int, doc jsonb);
-- runs: fails 42601
-- needs: 15 MERGE
MERGE INTO items USING (SELECT 1 AS id) s ON items.id = s.id
WHEN MATCHED THEN UPDATE SET n = 1, n = 2;
