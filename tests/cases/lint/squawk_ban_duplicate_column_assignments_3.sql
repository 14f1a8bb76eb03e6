-- case: UPDATE setting a composite whole and one field of it fails
-- expect: duplicate-column error line 6
-- live: CREATE TYPE k_record AS (x int, y int);
-- live: CREATE TABLE k (id bigint PRIMARY KEY, a int, b int, c int, r k_record, arr int[]);
-- runs: fails 42601
UPDATE k SET r = row(1, 2), r.x = 1 WHERE id = 1;
