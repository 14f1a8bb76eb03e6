-- case: MERGE setting or inserting a column twice fails
-- expect: duplicate-column error line 7
-- live: CREATE TYPE k_record AS (x int, y int);
-- live: CREATE TABLE k (id bigint PRIMARY KEY, a int, b int, c int, r k_record, arr int[]);
-- runs: fails 42601
-- needs: 15 MERGE
MERGE INTO k USING (SELECT 1 AS id) j ON k.id = j.id
WHEN MATCHED THEN UPDATE SET a = 1, a = 2;
