-- case: assignments to distinct columns, fields or elements are fine
-- expect: naming-and-identifiers none
-- live: CREATE TYPE k_record AS (x int, y int);
-- live: CREATE TABLE k (id bigint PRIMARY KEY, a int, b int, c int, r k_record, arr int[]);
-- runs: ok
UPDATE k SET a = 1, b = 2 WHERE id = 1;
UPDATE k SET r.x = 1, r.y = 2 WHERE id = 1;
UPDATE k SET arr[1] = 1, arr[2] = 2 WHERE id = 1;
INSERT INTO k (id, r.x, r.y) VALUES (2, 1, 2);
CREATE VIEW v (a, b) AS SELECT 1 a, 2 b;
