-- case: a jsonb key may be set twice, and MERGE may set fields and elements of one column
-- expect: duplicate-column none
-- expect: naming-and-identifiers none
-- live: CREATE TYPE point3 AS (x int, y int, tags text[]);
-- live: CREATE TABLE items (id int PRIMARY KEY, pos point3, tags text[], n int, doc jsonb);
-- runs: ok
-- needs: 15 MERGE (and jsonb subscripts, 14)
UPDATE items SET doc['a'] = '1', doc['a'] = '2' WHERE id = 1;
MERGE INTO items USING (SELECT 3 AS id) s ON items.id = s.id
WHEN MATCHED THEN UPDATE SET pos.x = 1, pos.y = 2
WHEN NOT MATCHED THEN INSERT (id, tags[1], tags[2]) VALUES (3, 'a', 'b');
