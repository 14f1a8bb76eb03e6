-- case: INSERT ... ON CONFLICT DO UPDATE setting a column twice fails
-- expect: duplicate-column error line 6
-- live: CREATE TYPE k_record AS (x int, y int);
-- live: CREATE TABLE k (id bigint PRIMARY KEY, a int, b int, c int, r k_record, arr int[]);
-- runs: fails 42601
INSERT INTO k (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 1, a = 2;
