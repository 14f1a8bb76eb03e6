-- case: two names equal in their first 63 bytes are one column: UPDATE fails
-- expect: duplicate-column error line 7
-- live: CREATE TYPE k_record AS (x int, y int);
-- live: CREATE TABLE k (id bigint PRIMARY KEY, a int, b int, c int, r k_record, arr int[]);
-- live: ALTER TABLE k ADD COLUMN aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa int;
-- runs: fails 42601
UPDATE k SET aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaax = 1, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaay = 2 WHERE id = 1;
