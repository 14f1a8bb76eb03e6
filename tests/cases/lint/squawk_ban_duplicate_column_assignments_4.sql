-- case: a and A are one column: UPDATE fails
-- expect: duplicate-column error line 6
-- live: CREATE TYPE k_record AS (x int, y int);
-- live: CREATE TABLE k (id bigint PRIMARY KEY, a int, b int, c int, r k_record, arr int[]);
-- runs: fails 42601
UPDATE k SET "a" = 1, A = 2 WHERE id = 1;
